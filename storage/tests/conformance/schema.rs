//! Schema versions: migrating is idempotent, and a database newer than the binary is refused.

use aimsbot_workflows::ports::StoreError;

use crate::support::TestDb;

async fn migrating_twice_changes_nothing(db: TestDb) {
    let before = db.db.schema_status().await.unwrap();
    assert!(before.is_current());
    let after = db.db.migrate().await.unwrap();
    assert_eq!(before, after);
    db.db.require_current_schema().await.unwrap();
}

async fn a_database_newer_than_the_binary_is_refused(db: TestDb) {
    let checksum = match db.db.backend() {
        aimsbot_storage::Backend::Sqlite => "X'00'",
        aimsbot_storage::Backend::Postgres => "'\\x00'::bytea",
    };
    db.execute(&format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, {checksum}, 0)"
    ))
    .await;
    for result in [db.db.migrate().await, db.db.require_current_schema().await] {
        let err = result.unwrap_err();
        let StoreError::Incompatible(message) = &err else {
            panic!("{err:?}")
        };
        assert!(
            message.contains("9999") && message.contains("newer aimsbot"),
            "{message}"
        );
    }
}

crate::on_both_backends!(
    migrating_twice_changes_nothing,
    a_database_newer_than_the_binary_is_refused
);
