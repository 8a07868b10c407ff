//! The words of the thread's HTML, in the site's language: the comment
//! words are the widget's own (widget/i18n), so the fragment and the page
//! read as the widget does; words only these pages need are natter's page
//! strings (`page_thread_*`). Plurals follow the rules the widget's
//! `Intl.PluralRules` applies for each of the seven languages.

use crate::notify::strings::{Words as PageWords, fill};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

const FILES: [(&str, &str); 7] = [
    ("en", include_str!("../../../widget/i18n/en.json")),
    ("de", include_str!("../../../widget/i18n/de.json")),
    ("fr", include_str!("../../../widget/i18n/fr.json")),
    ("es", include_str!("../../../widget/i18n/es.json")),
    ("nl", include_str!("../../../widget/i18n/nl.json")),
    ("pt", include_str!("../../../widget/i18n/pt.json")),
    ("ar", include_str!("../../../widget/i18n/ar.json")),
];

fn tables() -> &'static HashMap<&'static str, Map<String, Value>> {
    static TABLES: OnceLock<HashMap<&'static str, Map<String, Value>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        FILES
            .iter()
            .map(|(lang, json)| {
                let table = serde_json::from_str(json)
                    .unwrap_or_else(|e| panic!("widget/i18n/{lang}.json does not parse: {e}"));
                (*lang, table)
            })
            .collect()
    })
}

/// The plural category of `n` in `lang`, as CLDR (and so the widget's
/// `Intl.PluralRules`) names it for whole numbers.
pub fn plural(lang: &str, n: u64) -> &'static str {
    match lang {
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "fr" | "pt" if n <= 1 => "one",
        "fr" | "pt" => "other",
        _ if n == 1 => "one",
        _ => "other",
    }
}

/// The words of one language, the widget's and the pages'.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    page: PageWords,
}

impl Words {
    /// The site's language; one natter does not know reads as English.
    pub fn new(lang: &str) -> Words {
        Words {
            page: PageWords::new(lang),
        }
    }

    pub fn lang(self) -> &'static str {
        self.page.lang()
    }

    /// `ltr`, or `rtl` for Arabic.
    pub fn dir(self) -> &'static str {
        if self.page.rtl() { "rtl" } else { "ltr" }
    }

    /// The widget's word for `key` (falling back to English) with `{name}`
    /// slots filled; a plural takes its `other` form.
    pub fn t(self, key: &str, args: &[(&str, &str)]) -> String {
        self.form(key, "other", args)
    }

    /// The widget's plural `key` for `n`, `{n}` filled in.
    pub fn n(self, key: &str, n: u64) -> String {
        let digits = n.to_string();
        self.form(key, plural(self.lang(), n), &[("n", &digits)])
    }

    fn form(self, key: &str, category: &str, args: &[(&str, &str)]) -> String {
        let all = tables();
        let found = |lang: &str| all.get(lang).and_then(|t| t.get(key));
        let value = found(self.lang()).or_else(|| found("en"));
        let text = match value {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Object(forms)) => forms
                .get(category)
                .or_else(|| forms.get("other"))
                .and_then(Value::as_str)
                .unwrap_or(key),
            _ => key,
        };
        fill(text, args)
    }

    /// A word only natter's pages use (`page_thread_*`).
    pub fn page(self, key: &str, args: &[(&str, &str)]) -> String {
        self.page.t(key, args)
    }

    /// A date as `YYYY-MM-DD…` (RFC 3339), written out in the language,
    /// such as "1 December 2026"; what is not such a date is shown as is.
    pub fn date(self, iso: &str) -> String {
        let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|d| d.parse::<usize>().ok());
        let (Some(year), Some(month), Some(day)) = (part(0..4), part(5..7), part(8..10)) else {
            return iso.to_string();
        };
        let months = self.page("page_thread_months", &[]);
        let Some(name) = months.split(',').nth(month.wrapping_sub(1)) else {
            return iso.to_string();
        };
        let (day, year) = (day.to_string(), year.to_string());
        self.page(
            "page_thread_date",
            &[("day", &day), ("month", name.trim()), ("year", &year)],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(Words::new("en").n("count", 1), "1 comment");
        assert_eq!(Words::new("en").n("count", 0), "0 comments");
        assert_eq!(Words::new("fr").n("count", 0), "0 commentaire");
        assert_eq!(Words::new("de").n("count", 2), "2 Kommentare");
        assert_eq!(Words::new("ar").n("count", 2), "تعليقان");
        assert_eq!(plural("ar", 103), "few");
        assert_eq!(plural("ar", 111), "many");
        assert_eq!(plural("ar", 100), "other");
    }

    #[test]
    fn dates_are_written_out_and_every_language_has_twelve_months() {
        assert_eq!(
            Words::new("en").date("2026-12-01T10:00:00Z"),
            "1 December 2026"
        );
        assert_eq!(
            Words::new("de").date("2026-03-09T10:00:00Z"),
            "9. März 2026"
        );
        for lang in crate::domain::site::LANGUAGES {
            let months = Words::new(lang).page("page_thread_months", &[]);
            assert_eq!(months.split(',').count(), 12, "{lang}");
        }
        assert_eq!(Words::new("en").date("soon"), "soon");
    }

    #[test]
    fn every_widget_language_parses() {
        for (lang, _) in FILES {
            assert!(tables()[lang].contains_key("more"), "{lang}");
        }
    }
}
