//! The conformance suite's backends: the storage crate's test databases, and a macro that
//! runs each test on both.

pub use aimsbot_storage::testing::{TestDb, postgres, sqlite};

/// Defines each listed test twice: `sqlite::NAME` and `postgres::NAME`, both calling
/// `NAME(TestDb)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::support::sqlite().await).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(db) = $crate::support::postgres().await {
                        super::$name(db).await;
                    }
                }
            )+
        }
    };
}

/// A concern raised anonymously: no reporter, only the hash of the follow-up handle.
pub fn anonymous_concern(title: &str, handle: &str) -> aimsbot_workflows::Record {
    use aimsbot_workflows::records::Concern;
    use aimsbot_workflows::records::concern::{ConcernStatus, handle_sha256};
    use aimsbot_workflows::text::{Narrative, Title};
    aimsbot_workflows::Record::Concern(Concern {
        reporter: None,
        follow_up_handle_sha256: Some(handle_sha256(handle)),
        ai_system: None,
        title: Title::new(title).unwrap(),
        concern: Narrative::new("The screening model ranks older applicants lower").unwrap(),
        status: ConcernStatus::Open,
    })
}
