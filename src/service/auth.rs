//! Bearer-token checks: the optional client token that guards the `NewsRoles` calls,
//! and the admin token that `ReloadModel` needs. Health and reflection stay open, so
//! load balancers and `grpcurl list` work without secrets.

use tonic::metadata::MetadataMap;
use tonic::Status;

/// The tokens a server was started with; `None` (or empty) turns a check off.
#[derive(Clone, Default)]
pub(crate) struct Tokens {
    /// Needed by every `NewsRoles` call when set.
    pub client: Option<String>,
    /// Needed by `ReloadModel`; also accepted wherever the client token is.
    pub admin: Option<String>,
}

impl Tokens {
    pub fn new(client: Option<String>, admin: Option<String>) -> Tokens {
        let set = |t: Option<String>| t.filter(|t| !t.is_empty());
        Tokens {
            client: set(client),
            admin: set(admin),
        }
    }

    /// A `NewsRoles` call: open when no client token is configured; otherwise the
    /// client token or the admin token.
    ///
    /// # Errors
    /// UNAUTHENTICATED, saying whether the token was missing or wrong.
    pub fn check_client(&self, metadata: &MetadataMap) -> Result<(), Status> {
        let Some(expected) = self.client.as_deref() else {
            return Ok(());
        };
        match presented(metadata) {
            Some(given)
                if constant_time_eq(given.as_bytes(), expected.as_bytes())
                    || self
                        .admin
                        .as_deref()
                        .is_some_and(|a| constant_time_eq(given.as_bytes(), a.as_bytes())) =>
            {
                Ok(())
            }
            Some(_) => Err(Status::unauthenticated("wrong token")),
            None => Err(Status::unauthenticated(
                "this server needs the metadata `authorization: Bearer <token>`",
            )),
        }
    }

    /// `ReloadModel`: needs the admin token; without one configured, reload is off.
    ///
    /// # Errors
    /// PERMISSION_DENIED when reload is disabled, UNAUTHENTICATED when the admin token
    /// is missing or wrong.
    pub fn check_admin(&self, metadata: &MetadataMap) -> Result<(), Status> {
        let Some(expected) = self.admin.as_deref() else {
            return Err(Status::permission_denied(
                "model reload is disabled: start the server with an admin token",
            ));
        };
        match presented(metadata) {
            Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => Ok(()),
            Some(_) => Err(Status::unauthenticated("wrong admin token")),
            None => Err(Status::unauthenticated(
                "model reload needs the metadata `authorization: Bearer <admin token>`",
            )),
        }
    }
}

fn presented(metadata: &MetadataMap) -> Option<&str> {
    metadata
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
}

/// The token of an `authorization` value of the form `Bearer <token>` (scheme
/// case-insensitive, RFC 6750).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Compares without an early exit, so response time does not reveal how much of a
/// guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_token("Bearer s3cret"), Some("s3cret"));
        assert_eq!(bearer_token("bearer  s3cret "), Some("s3cret"));
        assert_eq!(bearer_token("Basic s3cret"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    fn with_auth(value: &str) -> MetadataMap {
        let mut md = MetadataMap::new();
        if let Ok(v) = value.parse() {
            md.insert("authorization", v);
        }
        md
    }

    fn tokens(client: Option<&str>, admin: Option<&str>) -> Tokens {
        Tokens::new(client.map(String::from), admin.map(String::from))
    }

    #[test]
    fn admin_check() {
        let code = |t: &Tokens, md: &MetadataMap| t.check_admin(md).err().map(|e| e.code());
        let off = tokens(None, None);
        assert_eq!(
            code(&off, &with_auth("Bearer x")),
            Some(Code::PermissionDenied)
        );
        let empty = tokens(None, Some(""));
        assert_eq!(
            code(&empty, &with_auth("Bearer ")),
            Some(Code::PermissionDenied)
        );
        let t = tokens(Some("client"), Some("tok"));
        assert_eq!(code(&t, &MetadataMap::new()), Some(Code::Unauthenticated));
        assert_eq!(
            code(&t, &with_auth("Bearer nope")),
            Some(Code::Unauthenticated)
        );
        // The client token does not open reload.
        assert_eq!(
            code(&t, &with_auth("Bearer client")),
            Some(Code::Unauthenticated)
        );
        assert_eq!(code(&t, &with_auth("tok")), Some(Code::Unauthenticated));
        assert_eq!(code(&t, &with_auth("Bearer tok")), None);
    }

    #[test]
    fn client_check() {
        let code = |t: &Tokens, md: &MetadataMap| t.check_client(md).err().map(|e| e.code());
        assert_eq!(code(&tokens(None, Some("adm")), &MetadataMap::new()), None);
        let t = tokens(Some("c"), Some("adm"));
        assert_eq!(code(&t, &MetadataMap::new()), Some(Code::Unauthenticated));
        assert_eq!(
            code(&t, &with_auth("Bearer x")),
            Some(Code::Unauthenticated)
        );
        assert_eq!(code(&t, &with_auth("Bearer c")), None);
        assert_eq!(code(&t, &with_auth("Bearer adm")), None);
    }
}
