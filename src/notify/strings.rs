//! The words of emails and of natter's own pages, in each site language.
//! English is complete; another language falls back to it word by word.

use std::collections::HashMap;
use std::sync::OnceLock;

type Table = HashMap<String, String>;

const FILES: [(&str, &str); 7] = [
    ("en", include_str!("strings/en.json")),
    ("de", include_str!("strings/de.json")),
    ("fr", include_str!("strings/fr.json")),
    ("es", include_str!("strings/es.json")),
    ("nl", include_str!("strings/nl.json")),
    ("pt", include_str!("strings/pt.json")),
    ("ar", include_str!("strings/ar.json")),
];

fn tables() -> &'static HashMap<&'static str, Table> {
    static TABLES: OnceLock<HashMap<&'static str, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        FILES
            .iter()
            .map(|(lang, json)| {
                let table: Table = serde_json::from_str(json)
                    .unwrap_or_else(|e| panic!("strings/{lang}.json does not parse: {e}"));
                (*lang, table)
            })
            .collect()
    })
}

/// The words of one language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    lang: &'static str,
}

impl Words {
    /// A site language; one natter does not know reads as English.
    pub fn new(lang: &str) -> Words {
        let lang = FILES
            .iter()
            .map(|(l, _)| *l)
            .find(|l| *l == lang)
            .unwrap_or("en");
        Words { lang }
    }

    pub fn lang(self) -> &'static str {
        self.lang
    }

    /// Whether the language is written right to left.
    pub fn rtl(self) -> bool {
        self.lang == "ar"
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn t(self, key: &str, args: &[(&str, &str)]) -> String {
        let all = tables();
        let text = all
            .get(self.lang)
            .and_then(|t| t.get(key))
            .or_else(|| all.get("en").and_then(|t| t.get(key)))
            .map_or(key, String::as_str);
        fill(text, args)
    }
}

/// `text` with each `{name}` placeholder filled in.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_with_its_placeholders() {
        let all = tables();
        let en = &all["en"];
        for (lang, table) in all {
            for (key, text) in en {
                let other = table
                    .get(key)
                    .unwrap_or_else(|| panic!("{lang} has no {key}"));
                for name in ["{page}", "{site}", "{author}", "{count}"] {
                    assert_eq!(
                        text.contains(name),
                        other.contains(name),
                        "{lang}.{key} and en.{key} differ in {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_languages_read_english() {
        let w = Words::new("xx");
        assert_eq!(w.lang(), "en");
        assert_eq!(
            w.t("reply_subject", &[("author", "Sam"), ("page", "Hello")]),
            "Sam replied to your comment on “Hello”"
        );
    }
}
