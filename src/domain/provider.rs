//! Sign-in providers (DESIGN §15): an OpenID Connect issuer, a generic
//! OAuth2 server with a map of its user-info fields, or an email link.
//! A provider is made only by [`Provider::new`], from `natter.toml` or the
//! admin page alike.

use super::Invalid;
use serde::{Deserialize, Serialize};

/// A provider's id, as in its redirect URL `/auth/callback/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProviderId(String);

impl ProviderId {
    /// 1 to 32 of `a-z`, `0-9`, `-` and `_`.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !ok {
            return Err(Invalid::new(
                "provider.id",
                format!("provider id {s:?} must be 1 to 32 of a-z, 0-9, - and _, like \"gitlab\""),
            ));
        }
        Ok(ProviderId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a provider signs readers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenID Connect, configured by discovery from the issuer.
    Oidc,
    /// OAuth2 with a user-info endpoint and a map of its fields.
    #[serde(rename = "oauth2")]
    OAuth2,
    /// A single-use link sent by email.
    Email,
}

impl ProviderKind {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "oidc" => Ok(Self::Oidc),
            "oauth2" => Ok(Self::OAuth2),
            "email" => Ok(Self::Email),
            _ => Err(Invalid::new(
                "provider.kind",
                format!("provider kind {s:?} is not known: use oidc, oauth2 or email"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::OAuth2 => "oauth2",
            Self::Email => "email",
        }
    }
}

/// Which user-info fields (of a generic OAuth2 provider) hold what natter
/// keeps. A name may be a path with dots (`user.id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldMap {
    pub subject: String,
    pub name: String,
    pub email: String,
    pub email_verified: String,
    pub profile: String,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            subject: "sub".into(),
            name: "name".into(),
            email: "email".into(),
            email_verified: "email_verified".into(),
            profile: "profile".into(),
        }
    }
}

/// A configured sign-in provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub id: ProviderId,
    pub kind: ProviderKind,
    /// On the button: "Sign in with {name}".
    pub name: String,
    pub issuer: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub fields: FieldMap,
}

/// A provider as written in `natter.toml` or the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderSpec {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub fields: Option<FieldMap>,
}

fn web_address(field: &'static str, value: Option<&str>, what: &str) -> Result<String, Invalid> {
    let v = value.map(str::trim).unwrap_or_default();
    let ok = url::Url::parse(v)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if !ok {
        return Err(Invalid::new(
            field,
            format!("give the provider's {what} as an https:// address"),
        ));
    }
    Ok(v.to_string())
}

impl Provider {
    /// Checks a provider as written; the error names the field.
    pub fn new(spec: ProviderSpec) -> Result<Provider, Invalid> {
        let id = ProviderId::parse(spec.id.trim())?;
        let kind = ProviderKind::parse(spec.kind.trim())?;
        let name = spec.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(Invalid::new(
                "provider.name",
                format!("give provider {id} a name of 1 to 40 characters for its button"),
            ));
        }
        let mut p = Provider {
            id,
            kind,
            name,
            issuer: None,
            client_id: spec.client_id.unwrap_or_default().trim().to_string(),
            client_secret: spec.client_secret.unwrap_or_default(),
            scopes: Vec::new(),
            authorize_url: None,
            token_url: None,
            userinfo_url: None,
            fields: spec.fields.unwrap_or_default(),
        };
        match kind {
            ProviderKind::Email => return Ok(p),
            ProviderKind::Oidc => {
                p.issuer = Some(web_address(
                    "provider.issuer",
                    spec.issuer.as_deref(),
                    "issuer",
                )?);
                p.scopes = spec
                    .scopes
                    .unwrap_or_else(|| ["openid", "email", "profile"].map(String::from).to_vec());
            }
            ProviderKind::OAuth2 => {
                let at = |f, v: &Option<String>, w| web_address(f, v.as_deref(), w).map(Some);
                p.authorize_url = at(
                    "provider.authorize_url",
                    &spec.authorize_url,
                    "authorize_url",
                )?;
                p.token_url = at("provider.token_url", &spec.token_url, "token_url")?;
                p.userinfo_url = at("provider.userinfo_url", &spec.userinfo_url, "userinfo_url")?;
                p.scopes = spec.scopes.unwrap_or_default();
            }
        }
        if p.client_id.is_empty() {
            return Err(Invalid::new(
                "provider.client_id",
                format!(
                    "give provider {} the client_id it registered natter under",
                    p.id
                ),
            ));
        }
        if p.client_secret.is_empty() {
            return Err(Invalid::new(
                "provider.client_secret",
                format!(
                    "give provider {} its client_secret, or set NATTER_PROVIDER_{}_SECRET",
                    p.id,
                    p.id.as_str().to_ascii_uppercase().replace('-', "_")
                ),
            ));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: &str) -> ProviderSpec {
        ProviderSpec {
            id: "gitlab".into(),
            kind: kind.into(),
            name: "GitLab".into(),
            issuer: Some("https://gitlab.com".into()),
            client_id: Some("abc".into()),
            client_secret: Some("xyz".into()),
            ..ProviderSpec::default()
        }
    }

    #[test]
    fn providers_are_checked_as_written() {
        let p = Provider::new(spec("oidc")).unwrap();
        assert_eq!(p.scopes, ["openid", "email", "profile"]);
        assert!(Provider::new(spec("saml")).is_err());
        let e = Provider::new(spec("oauth2")).unwrap_err();
        assert_eq!(e.field, "provider.authorize_url");
        let mut s = spec("oidc");
        s.client_secret = None;
        assert!(
            Provider::new(s)
                .unwrap_err()
                .message
                .contains("NATTER_PROVIDER_GITLAB_SECRET")
        );
        let mut s = spec("email");
        s.id = "Bad Id".into();
        assert!(Provider::new(s).is_err());
    }
}
