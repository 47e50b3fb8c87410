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
