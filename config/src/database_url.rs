//! The database connection URL: which backend it selects, and a form that is safe to print.

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};
use url::{Position, Url};

/// Shown instead of a password wherever a URL is printed.
pub(crate) const REDACTED: &str = "[redacted]";

/// The storage backend a [`DatabaseUrl`] selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A validated `sqlite://PATH` or `postgres://user:pass@host:port/db` URL.
///
/// `Debug` and `Display` redact the password; [`DatabaseUrl::expose`] gives the real URL for
/// connecting.
#[derive(Clone)]
pub struct DatabaseUrl {
    url: SecretString,
    redacted: String,
    backend: Backend,
}

/// Why a string is not an accepted database URL. Messages never contain the URL itself,
/// because it may carry a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("not a URL: it has no scheme such as sqlite:// or postgres://")]
    MissingScheme,
    #[error("unsupported scheme `{0}`")]
    UnsupportedScheme(String),
    #[error("SQLite URLs are written sqlite://PATH, with two slashes")]
    SqliteWithoutSlashes,
    #[error("the sqlite:// URL has no file path")]
    EmptySqlitePath,
    #[error("not a valid URL: {0}")]
    Invalid(#[from] url::ParseError),
    #[error("the PostgreSQL URL has no host")]
    MissingHost,
}

impl DatabaseUrl {
    /// The accepted forms, for error messages and docs.
    pub const ACCEPTED: &'static str =
        "sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB (postgresql:// also works)";

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The real URL, password included: only for handing to the database driver.
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }
}

impl Default for DatabaseUrl {
    fn default() -> Self {
        let url = "sqlite://aimsbot.db";
        Self {
            url: SecretString::from(url),
            redacted: url.to_owned(),
            backend: Backend::Sqlite,
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = DatabaseUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((scheme, rest)) = s.split_once(':') else {
            return Err(DatabaseUrlError::MissingScheme);
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                // The SQLite path is not a URL host/path pair (`sqlite://aimsbot.db` would parse
                // `aimsbot.db` as a host), so it is taken verbatim and handed to the driver.
                let path = rest
                    .strip_prefix("//")
                    .ok_or(DatabaseUrlError::SqliteWithoutSlashes)?;
                let path = path.split_once('?').map_or(path, |(path, _query)| path);
                if path.is_empty() {
                    return Err(DatabaseUrlError::EmptySqlitePath);
                }
                Ok(Self {
                    url: SecretString::from(s),
                    redacted: s.to_owned(),
                    backend: Backend::Sqlite,
                })
            }
            "postgres" | "postgresql" => {
                let parsed = Url::parse(s)?;
                if parsed.host_str().is_none_or(str::is_empty) {
                    return Err(DatabaseUrlError::MissingHost);
                }
                Ok(Self {
                    url: SecretString::from(s),
                    redacted: redact_postgres(&parsed),
                    backend: Backend::Postgres,
                })
            }
            "" => Err(DatabaseUrlError::MissingScheme),
            other => Err(DatabaseUrlError::UnsupportedScheme(other.to_owned())),
        }
    }
}

/// Builds the printable form by hand because `Url::set_password` would percent-encode the
/// marker into `%5Bredacted%5D`.
fn redact_postgres(url: &Url) -> String {
    let mut out = format!("{}://", url.scheme());
    if !url.username().is_empty() || url.password().is_some() {
        out.push_str(url.username());
        if url.password().is_some() {
            out.push(':');
            out.push_str(REDACTED);
        }
        out.push('@');
    }
    out.push_str(&url[Position::BeforeHost..Position::AfterPath]);
    if let Some(query) = url.query() {
        // libpq also accepts the password as a query parameter.
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                    format!("{key}={REDACTED}")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_kept_verbatim() {
        let url: DatabaseUrl = "sqlite://data/aimsbot.db".parse().unwrap();
        assert_eq!(url.backend(), Backend::Sqlite);
        assert_eq!(url.expose(), "sqlite://data/aimsbot.db");
        assert_eq!(url.to_string(), "sqlite://data/aimsbot.db");
    }

    #[test]
    fn postgres_password_is_redacted_but_exposed_for_connecting() {
        let raw = "postgresql://aimsbot:s3cr%40t@db.internal:5432/aims?sslmode=require";
        let url: DatabaseUrl = raw.parse().unwrap();
        assert_eq!(url.backend(), Backend::Postgres);
        assert_eq!(url.expose(), raw);
        assert_eq!(
            url.to_string(),
            "postgresql://aimsbot:[redacted]@db.internal:5432/aims?sslmode=require"
        );
        assert!(!format!("{url:?}").contains("s3cr"));
    }

    #[test]
    fn postgres_password_in_query_is_redacted() {
        let url: DatabaseUrl = "postgres://db/aims?user=a&password=hunter2"
            .parse()
            .unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://db/aims?user=a&password=[redacted]"
        );
    }

    #[test]
    fn rejected_urls_say_why() {
        let err = |s: &str| s.parse::<DatabaseUrl>().unwrap_err();
        assert_eq!(
            err("mysql://x"),
            DatabaseUrlError::UnsupportedScheme("mysql".into())
        );
        assert_eq!(err("aimsbot.db"), DatabaseUrlError::MissingScheme);
        assert_eq!(
            err("sqlite:aimsbot.db"),
            DatabaseUrlError::SqliteWithoutSlashes
        );
        assert_eq!(err("sqlite://"), DatabaseUrlError::EmptySqlitePath);
        assert!(matches!(
            err("postgres://"),
            DatabaseUrlError::Invalid(_) | DatabaseUrlError::MissingHost
        ));
    }
}
