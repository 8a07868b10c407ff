//! The signed timing token of a comment form: when it was loaded, so a
//! form sent sooner than a person could write it is held (DESIGN §5).

use super::{B64, Keys, constant_time_eq};
use base64::Engine;

/// What the signed timing token of a form says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTiming {
    /// Sent at least the minimum time after the form was loaded.
    Human,
    /// Sent sooner than a person could have written it.
    TooFast,
    /// Missing, forged or more than a day old.
    Invalid,
}

impl Keys {
    /// A signed "this form was loaded at `now`".
    pub fn form_token(&self, now: i64) -> String {
        let sig = self.mac("form", &[now.to_string().as_bytes()]);
        format!("{now}.{}", B64.encode(&sig[..16]))
    }

    /// What a form's timing token says, `now`, with `min_seconds` the
    /// least time a person takes.
    pub fn check_form_token(&self, token: &str, now: i64, min_seconds: u32) -> FormTiming {
        let Some((t, sig)) = token.split_once('.') else {
            return FormTiming::Invalid;
        };
        let Ok(issued) = t.parse::<i64>() else {
            return FormTiming::Invalid;
        };
        let expected = self.mac("form", &[t.as_bytes()]);
        let Ok(given) = B64.decode(sig) else {
            return FormTiming::Invalid;
        };
        if !constant_time_eq(&given, &expected[..16]) || issued > now + 60 || now - issued > 86_400
        {
            return FormTiming::Invalid;
        }
        if now - issued < i64::from(min_seconds) {
            FormTiming::TooFast
        } else {
            FormTiming::Human
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tokens() {
        let k = Keys::new(b"secret".to_vec());
        let t = k.form_token(1000);
        assert_eq!(k.check_form_token(&t, 1001, 3), FormTiming::TooFast);
        assert_eq!(k.check_form_token(&t, 1003, 3), FormTiming::Human);
        assert_eq!(
            k.check_form_token(&t, 1000 + 90_000, 3),
            FormTiming::Invalid
        );
        assert_eq!(k.check_form_token("999.AAAA", 1003, 3), FormTiming::Invalid);
        let other = Keys::new(b"other".to_vec());
        assert_eq!(other.check_form_token(&t, 1003, 3), FormTiming::Invalid);
    }
}
