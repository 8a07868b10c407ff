//! The elements that pass the allow-list, by the part they play when
//! HTML from another comment system is rebuilt, and the blocks that are
//! dropped but still part the text around them.

/// The elements that pass the allow-list, by the role they play here.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum El {
    P,
    Blockquote,
    Pre,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Table,
    Thead,
    Tbody,
    Tfoot,
    Tr,
    Th,
    Td,
    A,
    Em,
    Strong,
    Del,
    Code,
}

pub(super) const ELEMENTS: usize = 21;

/// What text directly inside an element becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A paragraph, or an inline element inside one.
    Inline,
    /// Text in it is wrapped in paragraphs (`blockquote`).
    Wrapping,
    /// Text in it is bare until a blank line or a block (`li`, `td`, …).
    Bare,
    /// It holds other blocks, not text (`ul`, `table`, `tr`, …).
    Frame,
    /// Its text is kept as written (`pre`).
    Preformatted,
}

impl El {
    pub(super) fn of(name: &str) -> Option<El> {
        Some(match name {
            "p" => El::P,
            "blockquote" => El::Blockquote,
            "pre" => El::Pre,
            "ul" => El::Ul,
            "ol" => El::Ol,
            "li" => El::Li,
            "dl" => El::Dl,
            "dt" => El::Dt,
            "dd" => El::Dd,
            "table" => El::Table,
            "thead" => El::Thead,
            "tbody" => El::Tbody,
            "tfoot" => El::Tfoot,
            "tr" => El::Tr,
            "th" => El::Th,
            "td" => El::Td,
            "a" => El::A,
            "em" | "i" => El::Em,
            "strong" | "b" => El::Strong,
            "del" | "s" | "strike" => El::Del,
            "code" => El::Code,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            El::P => "p",
            El::Blockquote => "blockquote",
            El::Pre => "pre",
            El::Ul => "ul",
            El::Ol => "ol",
            El::Li => "li",
            El::Dl => "dl",
            El::Dt => "dt",
            El::Dd => "dd",
            El::Table => "table",
            El::Thead => "thead",
            El::Tbody => "tbody",
            El::Tfoot => "tfoot",
            El::Tr => "tr",
            El::Th => "th",
            El::Td => "td",
            El::A => "a",
            El::Em => "em",
            El::Strong => "strong",
            El::Del => "del",
            El::Code => "code",
        }
    }

    pub(super) fn kind(self) -> Kind {
        match self {
            El::P | El::A | El::Em | El::Strong | El::Del | El::Code => Kind::Inline,
            El::Blockquote => Kind::Wrapping,
            El::Li | El::Dt | El::Dd | El::Th | El::Td => Kind::Bare,
            El::Ul | El::Ol | El::Dl | El::Table | El::Thead | El::Tbody | El::Tfoot | El::Tr => {
                Kind::Frame
            }
            El::Pre => Kind::Preformatted,
        }
    }

    /// A paragraph is a block to its container but holds inline content.
    pub(super) fn is_block(self) -> bool {
        self == El::P || self.kind() != Kind::Inline
    }

    /// The open elements that this one's start tag closes, as a browser
    /// closes an `li` at the next `li`.
    pub(super) fn closes(self, open: El) -> bool {
        match self {
            El::Li => open == El::Li,
            El::Dt | El::Dd => matches!(open, El::Dt | El::Dd),
            El::Th | El::Td => matches!(open, El::Th | El::Td),
            El::Tr => matches!(open, El::Th | El::Td | El::Tr),
            El::Thead | El::Tbody | El::Tfoot => matches!(
                open,
                El::Th | El::Td | El::Tr | El::Thead | El::Tbody | El::Tfoot
            ),
            _ => false,
        }
    }
}

/// Blocks not on the allow-list: dropped, but they part the text around
/// them (wpautop's block list, and `hr`).
pub(super) const OTHER_BLOCKS: &[&str] = &[
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "figure",
    "figcaption",
    "address",
    "hgroup",
    "details",
    "summary",
    "fieldset",
    "legend",
    "form",
    "menu",
    "center",
    "caption",
    "colgroup",
    "col",
    "map",
    "area",
    "math",
    "option",
];
