//! Bans (DESIGN §5): of an address (its keyed hash) or of an email, given
//! by value or as the author of a comment, for some days or without end.

use super::{Invalid, UnixTime};

/// What a ban matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BanKind {
    /// The keyed hash of the address comments came from.
    Ip,
    Email,
    /// A signed-in reader's identity, by its row id: whatever address or
    /// email they post from.
    Identity,
}

/// The longest reason kept with a ban, in characters.
const REASON_MAX: usize = 500;

impl BanKind {
    pub fn parse(s: &str) -> Result<BanKind, Invalid> {
        match s {
            "ip" => Ok(BanKind::Ip),
            "email" => Ok(BanKind::Email),
            "identity" => Ok(BanKind::Identity),
            _ => Err(Invalid::new(
                "kind",
                "kind must be \"ip\", \"email\" or \"identity\"",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BanKind::Ip => "ip",
            BanKind::Email => "email",
            BanKind::Identity => "identity",
        }
    }
}

/// The author of a comment, as a ban sees them.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub ip_hash: Option<&'a str>,
    pub email: Option<&'a str>,
    /// The identity of a signed-in author.
    pub identity: Option<i64>,
}

/// A ban checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBan {
    pub kind: BanKind,
    /// Lower-cased, as bans are matched.
    pub value: String,
    pub reason: String,
    pub created: UnixTime,
    pub expires: Option<UnixTime>,
}

/// An identity's row id, as a ban of it stores it.
fn identity_value(v: &str) -> Result<String, Invalid> {
    match v.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id.to_string()),
        _ => Err(Invalid::new(
            "value",
            "Give the number of the identity to ban, as the identities list shows it.",
        )),
    }
}

impl NewBan {
    /// A ban of `value`, or of the author of a comment when no value is
    /// given; `days` until it ends, or none for a ban without end.
    pub fn new(
        kind: BanKind,
        value: Option<&str>,
        author: Option<Author<'_>>,
        reason: &str,
        days: Option<u32>,
        created: UnixTime,
    ) -> Result<NewBan, Invalid> {
        let given = value.map(str::trim).filter(|v| !v.is_empty());
        let value = match (kind, given, author) {
            (BanKind::Identity, Some(v), None) => identity_value(v)?,
            (_, Some(v), None) => v.to_lowercase(),
            (BanKind::Identity, _, Some(a)) => a.identity.map(|i| i.to_string()).ok_or_else(|| {
                Invalid::new(
                    "comment_id",
                    "That comment was written by a guest, not a signed-in reader. Ban its email or IP hash instead.",
                )
            })?,
            (BanKind::Ip, _, Some(a)) => a
                .ip_hash
                .map(str::to_string)
                .ok_or_else(|| Invalid::new("comment_id", "That comment has no IP hash to ban."))?,
            (BanKind::Email, _, Some(a)) => a.email.map(str::to_lowercase).ok_or_else(|| {
                Invalid::new(
                    "comment_id",
                    "That comment has no email address to ban. Ban its IP hash instead.",
                )
            })?,
            (_, None, None) => {
                return Err(Invalid::new(
                    "value",
                    "Give the IP hash or email to ban, or the comment whose author to ban.",
                ));
            }
        };
        Ok(NewBan {
            kind,
            value,
            reason: reason.chars().take(REASON_MAX).collect(),
            created,
            expires: days.map(|d| created + i64::from(d) * 86_400),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ban_is_of_a_value_or_of_a_comments_author() {
        let author = Author {
            ip_hash: Some("abc"),
            email: Some("Ann@Example.org"),
            identity: None,
        };
        let by_value = NewBan::new(BanKind::Email, Some(" X@Y.org "), None, "", None, 10);
        assert_eq!(by_value.unwrap().value, "x@y.org");
        let of_author = NewBan::new(BanKind::Email, None, Some(author), "", Some(2), 10).unwrap();
        assert_eq!(of_author.value, "ann@example.org");
        assert_eq!(of_author.expires, Some(10 + 2 * 86_400));
        let no_email = Author {
            email: None,
            ..author
        };
        let refused = NewBan::new(BanKind::Email, None, Some(no_email), "", None, 10);
        assert_eq!(refused.unwrap_err().field, "comment_id");
        let nothing = NewBan::new(BanKind::Ip, Some("  "), None, "", None, 10);
        assert_eq!(nothing.unwrap_err().field, "value");
        assert_eq!(BanKind::parse("name").unwrap_err().field, "kind");
    }

    #[test]
    fn an_identity_is_banned_by_its_number() {
        let signed_in = Author {
            ip_hash: Some("abc"),
            email: None,
            identity: Some(12),
        };
        let kind = BanKind::parse("identity").unwrap();
        let ban = NewBan::new(kind, None, Some(signed_in), "", None, 0).unwrap();
        assert_eq!(ban.value, "12");
        let guest = Author {
            identity: None,
            ..signed_in
        };
        let refused = NewBan::new(kind, None, Some(guest), "", None, 0);
        assert!(refused.unwrap_err().message.contains("guest"));
        assert_eq!(
            NewBan::new(kind, Some(" 7 "), None, "", None, 0)
                .unwrap()
                .value,
            "7"
        );
        let bad = NewBan::new(kind, Some("ann"), None, "", None, 0);
        assert_eq!(bad.unwrap_err().field, "value");
    }

    #[test]
    fn reasons_are_kept_short() {
        let long = "x".repeat(2_000);
        let ban = NewBan::new(BanKind::Ip, Some("h"), None, &long, None, 0).unwrap();
        assert_eq!(ban.reason.chars().count(), REASON_MAX);
    }
}
