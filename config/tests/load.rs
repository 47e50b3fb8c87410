//! Loading and validation through the public API: defaults, precedence, origins, and one
//! specific message per kind of mistake.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use aimsbot_config::{
    Backend, ConfigErrors, LogFormat, Problem, RoleSettings, Settings, SqliteSynchronous, load,
    load_from_sources,
};
use secrecy::ExposeSecret;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn from_file(toml: &str) -> Result<Settings, ConfigErrors> {
    load_from_sources(Some(("aimsbot.toml", toml)), &[])
}

fn problems_of(toml: &str) -> Vec<Problem> {
    from_file(toml).unwrap_err().problems
}

/// The single problem for `key`, failing if there is not exactly one problem.
fn only_problem(toml: &str, key: &str) -> Problem {
    let problems = problems_of(toml);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].key, key, "{problems:#?}");
    problems[0].clone()
}

#[test]
fn defaults_load_without_file_or_env() {
    let s = load_from_sources(None, &[]).unwrap();
    assert_eq!(s.database.url.expose(), "sqlite://aimsbot.db");
    assert_eq!(s.database.url.backend(), Backend::Sqlite);
    assert_eq!(s.database.max_connections, 10);
    assert_eq!(s.database.sqlite_synchronous, SqliteSynchronous::Full);
    assert_eq!(s.database.busy_timeout, Duration::from_secs(10));
    assert!(s.database.auto_migrate);
    assert!(s.discord.token.is_none());
    assert_eq!(s.discord.api_base_url.as_str(), "https://discord.com/");
    assert_eq!(s.discord.application_id, None);
    assert!(s.discord.guild_ids.is_empty());
    assert!(s.guilds.is_empty() && s.guild_tables.is_empty());
    assert_eq!(s.discord.session_ttl, Duration::from_secs(24 * 3600));
    assert_eq!(s.web.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(s.scheduler.tick_interval, Duration::from_secs(15));
    assert_eq!(s.scheduler.default_time_zone, chrono_tz::Tz::UTC);
    assert!(s.roles.member.is_empty() && s.roles.owner.is_empty());
    assert_eq!(s.log.format, LogFormat::Pretty);
    assert_eq!(s.log.filter, "info");
    assert_eq!(s.to_redacted_toml(), Settings::default().to_redacted_toml());
}

#[test]
fn a_full_file_is_applied() {
    let s = from_file(
        r#"
        [database]
        url = "postgresql://aims:pw@db:5432/aims"
        max_connections = 25
        sqlite_synchronous = "normal"
        busy_timeout = "250ms"
        auto_migrate = false
        [discord]
        token = "abc.def.ghi"
        api_base_url = "http://127.0.0.1:3000/api"
        application_id = 123456789012345678
        guild_ids = ["223456789012345678", 323456789012345678]
        compliance_channel_id = "423456789012345678"
        session_ttl = "30min"
        [guilds.323456789012345678]
        compliance_channel_id = "623456789012345678"
        [web]
        bind = "[::]:9000"
        [scheduler]
        tick_interval = "1min"
        default_time_zone = "Europe/Berlin"
        [roles]
        owner = ["523456789012345678"]
        [log]
        format = "json"
        filter = "aimsbot=debug,info"
        "#,
    )
    .unwrap();
    assert_eq!(s.database.url.backend(), Backend::Postgres);
    assert_eq!(s.database.max_connections, 25);
    assert_eq!(s.database.sqlite_synchronous, SqliteSynchronous::Normal);
    assert_eq!(s.database.busy_timeout, Duration::from_millis(250));
    assert!(!s.database.auto_migrate);
    assert_eq!(s.discord.token.unwrap().expose_secret(), "abc.def.ghi");
    assert_eq!(s.discord.api_base_url.as_str(), "http://127.0.0.1:3000/api");
    assert_eq!(s.discord.application_id, Some(123456789012345678));
    assert_eq!(
        s.discord.guild_ids,
        vec![223456789012345678, 323456789012345678]
    );
    assert_eq!(s.discord.compliance_channel_id, Some(423456789012345678));
    assert_eq!(s.discord.session_ttl, Duration::from_secs(30 * 60));
    assert_eq!(s.web.bind.to_string(), "[::]:9000");
    assert_eq!(s.scheduler.tick_interval, Duration::from_secs(60));
    assert_eq!(s.scheduler.default_time_zone, chrono_tz::Europe::Berlin);
    assert_eq!(s.roles.owner, vec![523456789012345678]);
    assert_eq!(s.log.format, LogFormat::Json);
    assert_eq!(s.log.filter, "aimsbot=debug,info");
    let channels: Vec<_> = s
        .guilds
        .iter()
        .map(|g| (g.id, g.compliance_channel_id))
        .collect();
    assert_eq!(
        channels,
        [
            (223456789012345678, Some(423456789012345678)),
            (323456789012345678, Some(623456789012345678)),
        ]
    );
}

#[test]
fn three_mistakes_give_three_problems_each_naming_its_key() {
    let err = from_file(
        r#"
        [web]
        bnd = "0.0.0.0:80"
        [database]
        url = "mysql://x"
        [scheduler]
        default_time_zone = "Mars/Olympus"
        "#,
    )
    .unwrap_err();
    let mut keys: Vec<&str> = err.problems.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["database.url", "scheduler.default_time_zone", "web.bnd"]
    );
    for problem in &err.problems {
        assert_eq!(problem.origin.as_deref(), Some("aimsbot.toml"));
    }
    let find = |key: &str| err.problems.iter().find(|p| p.key == key).unwrap();
    assert!(find("web.bnd").message.contains("unknown key"));
    assert!(find("web.bnd").message.contains("did you mean `bind`"));
    assert!(find("web.bnd").message.contains("keys of [web] are: bind"));
    assert!(find("database.url").message.contains("`mysql`"));
    assert!(find("database.url").message.contains("postgres://"));
    assert!(
        find("scheduler.default_time_zone")
            .message
            .contains("unknown time zone \"Mars/Olympus\"")
    );

    let shown = err.to_string();
    assert_eq!(shown.lines().count(), 3, "{shown}");
    for key in ["web.bnd", "database.url", "scheduler.default_time_zone"] {
        assert!(shown.contains(key), "{shown}");
    }
    assert!(
        shown.contains("web.bnd (from aimsbot.toml): unknown key"),
        "{shown}"
    );
}

#[test]
fn env_overrides_file_and_non_config_vars_are_ignored() {
    let s = load_from_sources(
        Some(("aimsbot.toml", "[web]\nbind = \"127.0.0.1:8000\"\n")),
        &env(&[
            ("AIMSBOT_WEB__BIND", "127.0.0.1:9999"),
            ("AIMSBOT_TEST_POSTGRES_URL", "postgres://u:p@localhost/test"),
            ("AIMSBOT_LOG", "debug"),
            ("PATH", "/usr/bin"),
        ]),
    )
    .unwrap();
    assert_eq!(s.web.bind.to_string(), "127.0.0.1:9999");
    assert_eq!(s.database.url.expose(), "sqlite://aimsbot.db");
}

#[test]
fn env_values_are_parsed_per_key() {
    let s = load_from_sources(
        None,
        &env(&[
            ("AIMSBOT_DATABASE__MAX_CONNECTIONS", "42"),
            ("AIMSBOT_DATABASE__AUTO_MIGRATE", "false"),
            ("aimsbot_web__bind", "[::1]:8081"),
            (
                "AIMSBOT_DISCORD__GUILD_IDS",
                "123456789012345678, 223456789012345678",
            ),
            ("AIMSBOT_ROLES__OWNER", "[323456789012345678]"),
            ("AIMSBOT_ROLES__AUDITOR", ""),
            ("AIMSBOT_DISCORD__APPLICATION_ID", "007"),
            ("AIMSBOT_LOG__FORMAT", "json"),
        ]),
    )
    .unwrap();
    assert_eq!(s.database.max_connections, 42);
    assert!(!s.database.auto_migrate);
    assert_eq!(s.web.bind.to_string(), "[::1]:8081");
    assert_eq!(
        s.discord.guild_ids,
        vec![123456789012345678, 223456789012345678]
    );
    assert_eq!(s.roles.owner, vec![323456789012345678]);
    assert!(s.roles.auditor.is_empty());
    assert_eq!(s.discord.application_id, Some(7));
    assert_eq!(s.log.format, LogFormat::Json);
}

#[test]
fn env_problems_name_the_variable() {
    let err = load_from_sources(
        Some(("aimsbot.toml", "[web]\nbind = \"127.0.0.1:8000\"\n")),
        &env(&[
            ("AIMSBOT_WEB__BIND", "localhost"),
            ("AIMSBOT_WEB__BND", "127.0.0.1:1"),
            ("AIMSBOT_NOPE__KEY", "1"),
            ("AIMSBOT_WEB__", "x"),
        ]),
    )
    .unwrap_err();
    let origin = |key: &str| {
        let problem = err.problems.iter().find(|p| p.key == key).unwrap();
        problem.origin.clone().unwrap()
    };
    assert_eq!(err.problems.len(), 4, "{err}");
    assert_eq!(origin("web.bind"), "env AIMSBOT_WEB__BIND");
    assert_eq!(origin("web.bnd"), "env AIMSBOT_WEB__BND");
    assert_eq!(origin("nope"), "env AIMSBOT_NOPE__KEY");
    assert_eq!(origin("web."), "env AIMSBOT_WEB__");
    let shown = err.to_string();
    assert!(
        shown.contains("unknown section [nope]; the sections are: [database]"),
        "{shown}"
    );
    assert!(shown.contains("malformed variable name"), "{shown}");
    assert!(
        shown.contains("\"localhost\" is not an IP address with a port"),
        "{shown}"
    );
}

#[test]
fn wrong_types_say_what_was_expected_and_what_was_given() {
    let p = only_problem(
        "[database]\nmax_connections = \"ten\"\n",
        "database.max_connections",
    );
    assert_eq!(
        p.message,
        "expected an integer 1..=1000, got the string \"ten\""
    );
    let p = only_problem(
        "[database]\nauto_migrate = \"yes\"\n",
        "database.auto_migrate",
    );
    assert_eq!(p.message, "expected true or false, got the string \"yes\"");
    let p = only_problem("[web]\nbind = 8080\n", "web.bind");
    assert!(
        p.message.starts_with("expected an IP address and port"),
        "{}",
        p.message
    );
    assert!(p.message.ends_with("got the integer 8080"), "{}", p.message);
    let p = only_problem("web = 5\n", "web");
    assert!(
        p.message.contains("expected a table [web]"),
        "{}",
        p.message
    );
    let p = only_problem("bind = \"x\"\n", "bind");
    assert!(p.message.contains("unknown top-level key"), "{}", p.message);
    let p = only_problem("[log]\nformat = \"xml\"\n", "log.format");
    assert!(
        p.message.contains("\"pretty\" or \"json\""),
        "{}",
        p.message
    );
    let p = only_problem("[log]\nfilter = \"  \"\n", "log.filter");
    assert!(p.message.contains("the filter is empty"), "{}", p.message);
    let p = only_problem(
        "[database]\nsqlite_synchronous = \"off\"\n",
        "database.sqlite_synchronous",
    );
    assert!(p.message.contains("\"full\""), "{}", p.message);
}

#[test]
fn bad_durations_give_examples() {
    let p = only_problem(
        "[scheduler]\ntick_interval = \"15 parsecs\"\n",
        "scheduler.tick_interval",
    );
    assert!(p.message.contains("is not a duration"), "{}", p.message);
    assert!(p.message.contains("\"15s\""), "{}", p.message);
    let p = only_problem("[database]\nbusy_timeout = 10\n", "database.busy_timeout");
    assert!(
        p.message.contains("has no unit (write e.g. \"10s\")"),
        "{}",
        p.message
    );
    let p = only_problem("[discord]\nsession_ttl = \"10s\"\n", "discord.session_ttl");
    assert_eq!(
        p.message,
        "\"10s\" is out of range; expected a duration from 1min to 30days, such as \"30min\" or \"24h\""
    );
}

#[test]
fn out_of_range_numbers_are_rejected() {
    for value in ["0", "1001", "-3"] {
        let p = only_problem(
            &format!("[database]\nmax_connections = {value}\n"),
            "database.max_connections",
        );
        assert_eq!(
            p.message,
            format!("{value} is out of range; expected an integer 1..=1000")
        );
    }
    let p = only_problem(
        "[database]\nmax_connections = 2.5\n",
        "database.max_connections",
    );
    assert_eq!(
        p.message,
        "expected an integer 1..=1000, got the number 2.5"
    );
}

#[test]
fn non_snowflake_ids_are_rejected_element_by_element() {
    let p = only_problem(
        "[roles]\nowner = [\"123456789012345678\", \"admin\", -3, 0]\n",
        "roles.owner",
    );
    assert!(
        p.message.starts_with(
            "element 1: the string \"admin\" is not a snowflake; \
             element 2: the integer -3 is not a snowflake; \
             element 3: the integer 0 is not a snowflake; expected a list of Discord role ids"
        ),
        "{}",
        p.message
    );
    let p = only_problem("[roles]\nauditor = 5\n", "roles.auditor");
    assert!(p.message.ends_with("got the integer 5"), "{}", p.message);
    let p = only_problem(
        "[discord]\napplication_id = \"12ab\"\n",
        "discord.application_id",
    );
    assert!(
        p.message.contains("the string \"12ab\" is not a snowflake"),
        "{}",
        p.message
    );
}

#[test]
fn time_zone_offsets_are_rejected_with_advice() {
    let p = only_problem(
        "[scheduler]\ndefault_time_zone = \"+02:00\"\n",
        "scheduler.default_time_zone",
    );
    assert!(p.message.contains("fixed UTC offset"), "{}", p.message);
    assert!(p.message.contains("use an IANA name"), "{}", p.message);
    let p = only_problem(
        "[scheduler]\ndefault_time_zone = \"europe/berlin\"\n",
        "scheduler.default_time_zone",
    );
    assert!(
        p.message.contains("did you mean \"Europe/Berlin\""),
        "{}",
        p.message
    );
}

#[test]
fn bad_urls_say_why() {
    let p = only_problem("[database]\nurl = \"sqlite://\"\n", "database.url");
    assert!(p.message.contains("no file path"), "{}", p.message);
    let p = only_problem(
        "[discord]\napi_base_url = \"ftp://x\"\n",
        "discord.api_base_url",
    );
    assert!(p.message.contains("not http or https"), "{}", p.message);
    let p = only_problem(
        "[discord]\napi_base_url = \"https://x/?a=1\"\n",
        "discord.api_base_url",
    );
    assert!(p.message.contains("query or fragment"), "{}", p.message);
}

#[test]
fn token_and_token_file_together_are_an_error() {
    let p = only_problem(
        "[discord]\ntoken = \"abc\"\ntoken_file = \"/run/secrets/discord\"\nguild_ids = [1]\n",
        "discord.token_file",
    );
    assert!(
        p.message
            .contains("both discord.token (from aimsbot.toml) and discord.token_file are set"),
        "{}",
        p.message
    );
    assert!(!p.message.contains("abc"));
}

#[test]
fn token_file_is_read_and_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "abc.def.ghi\n").unwrap();
    let token_file_env = env(&[
        ("AIMSBOT_DISCORD__TOKEN_FILE", path.to_str().unwrap()),
        ("AIMSBOT_DISCORD__GUILD_IDS", "123456789012345678"),
    ]);
    let s = load_from_sources(None, &token_file_env).unwrap();
    assert_eq!(
        s.discord.token.as_ref().unwrap().expose_secret(),
        "abc.def.ghi"
    );
    assert_eq!(s.discord.token_file.as_deref(), Some(path.as_path()));
    assert!(
        s.to_redacted_toml()
            .contains("# set (read from token_file)")
    );
    assert!(!s.to_redacted_toml().contains("abc.def.ghi"));

    std::fs::write(&path, " \n").unwrap();
    let err = load_from_sources(None, &token_file_env).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(
        err.problems[0].origin.as_deref(),
        Some("env AIMSBOT_DISCORD__TOKEN_FILE")
    );
    assert!(err.problems[0].message.contains("is empty"));

    let missing = dir.path().join("missing");
    let p = only_problem(
        &format!(
            "[discord]\ntoken_file = {:?}\nguild_ids = [1]\n",
            missing.to_str().unwrap()
        ),
        "discord.token_file",
    );
    assert!(p.message.contains("cannot read"), "{}", p.message);
}

#[test]
fn secrets_never_appear_in_debug_or_printed_config() {
    let s = load_from_sources(
        Some((
            "aimsbot.toml",
            "[database]\nurl = \"postgres://aims:Sup3rS3cret@db:5432/aims\"\n",
        )),
        &env(&[
            ("AIMSBOT_DISCORD__TOKEN", "MTIzNDU2.Gh7xYz.t0k3nV4lu3"),
            ("AIMSBOT_DISCORD__GUILD_IDS", "123456789012345678"),
            (
                "AIMSBOT_SECURITY__SECRET",
                "hmac-key-0123456789abcdef-S3cr3tK3y",
            ),
        ]),
    )
    .unwrap();
    assert_eq!(
        s.database.url.expose(),
        "postgres://aims:Sup3rS3cret@db:5432/aims"
    );
    assert_eq!(
        s.discord.token.as_ref().unwrap().expose_secret(),
        "MTIzNDU2.Gh7xYz.t0k3nV4lu3"
    );
    let debug = format!("{s:?}");
    let printed = s.to_redacted_toml();
    for shown in [&debug, &printed] {
        assert!(!shown.contains("Sup3rS3cret"), "{shown}");
        assert!(!shown.contains("t0k3nV4lu3"), "{shown}");
        assert!(!shown.contains("S3cr3tK3y"), "{shown}");
    }
    assert_eq!(
        s.security.secret.as_ref().unwrap().expose_secret(),
        "hmac-key-0123456789abcdef-S3cr3tK3y"
    );
    assert!(
        printed.contains("secret = \"[redacted]\"  # set"),
        "{printed}"
    );
    assert!(printed.contains("url = \"postgres://aims:[redacted]@db:5432/aims\""));
    assert!(printed.contains("token = \"[redacted]\"  # set"));
    assert!(
        Settings::default()
            .to_redacted_toml()
            .contains("token = \"\"  # not set")
    );
}

#[test]
fn secrets_never_appear_in_problems() {
    let err = load_from_sources(
        Some(("aimsbot.toml", "[discord]\ntoken = 1234567\n")),
        &env(&[("AIMSBOT_DATABASE__URL", "mysql://root:Sup3rS3cret@db/x")]),
    )
    .unwrap_err();
    let shown = err.to_string();
    assert_eq!(err.problems.len(), 2, "{shown}");
    assert!(!shown.contains("1234567"), "{shown}");
    assert!(!shown.contains("Sup3rS3cret"), "{shown}");
}

#[test]
fn printed_config_is_toml_that_loads_back() {
    let s = load_from_sources(
        None,
        &env(&[
            ("AIMSBOT_SCHEDULER__DEFAULT_TIME_ZONE", "Asia/Tokyo"),
            ("AIMSBOT_DISCORD__GUILD_IDS", "123456789012345678"),
            ("AIMSBOT_ROLES__OWNER", "323456789012345678"),
            (
                "AIMSBOT_GUILDS__223456789012345678__OWNER",
                "423456789012345678",
            ),
            ("AIMSBOT_SECURITY__SECRET_FILE", "/var/lib/aimsbot/secret"),
        ]),
    )
    .unwrap();
    let printed = s.to_redacted_toml();
    assert!(
        printed.contains("\n[guilds.223456789012345678]\n"),
        "{printed}"
    );
    assert!(
        !printed.contains("[guilds.123456789012345678]"),
        "{printed}"
    );
    let reloaded = load_from_sources(Some(("printed", &printed)), &[]).unwrap();
    assert_eq!(reloaded.to_redacted_toml(), printed);
}

#[test]
fn broken_toml_is_one_problem_and_env_is_still_checked() {
    let err = load_from_sources(
        Some(("aimsbot.toml", "[web\nbind = 1")),
        &env(&[("AIMSBOT_WEB__BIND", "nowhere")]),
    )
    .unwrap_err();
    assert_eq!(err.problems.len(), 2, "{err}");
    assert_eq!(err.problems[0].key, "");
    assert_eq!(err.problems[0].origin.as_deref(), Some("aimsbot.toml"));
    assert!(err.problems[0].message.starts_with("not valid TOML"));
    assert!(err.problems[0].message.contains("line 1"));
    assert_eq!(err.to_string().lines().count(), 2, "{err}");
    assert_eq!(err.problems[1].key, "web.bind");
}

#[test]
fn explicit_missing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let err = load(Some(&path)).unwrap_err();
    assert!(
        err.problems
            .iter()
            .any(|p| p.message == format!("config file {} does not exist", path.display())),
        "{err}"
    );
}

#[test]
fn explicit_file_is_read_and_named_in_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custom.toml");
    std::fs::write(&path, "[log]\nformat = \"yaml\"\n").unwrap();
    let err = load(Some(&path)).unwrap_err();
    let problem = err.problems.iter().find(|p| p.key == "log.format").unwrap();
    assert_eq!(problem.origin, Some(path.display().to_string()));
}

#[test]
fn guild_tables_load_from_toml_and_from_env() {
    let s = load_from_sources(
        Some((
            "aimsbot.toml",
            r#"
            [guilds.123456789012345678]
            compliance_channel_id = "234567890123456789"
            compliance = ["345678901234567890"]
            member = [445678901234567890]
            "#,
        )),
        &env(&[
            (
                "AIMSBOT_GUILDS__123456789012345678__COMPLIANCE_CHANNEL_ID",
                "534567890123456789",
            ),
            (
                "AIMSBOT_GUILDS__623456789012345678__AUDITOR",
                "723456789012345678",
            ),
            (
                "AIMSBOT_GUILDS__623456789012345678__COMPLIANCE_CHANNEL_ID",
                "",
            ),
        ]),
    )
    .unwrap();
    let first = s.guild(123456789012345678).unwrap();
    assert_eq!(first.compliance_channel_id, Some(534567890123456789));
    assert_eq!(first.roles.compliance, vec![345678901234567890]);
    assert_eq!(first.roles.member, vec![445678901234567890]);
    assert!(first.roles.owner.is_empty() && first.roles.auditor.is_empty());
    let second = s.guild(623456789012345678).unwrap();
    assert_eq!(second.compliance_channel_id, None);
    assert_eq!(second.roles.auditor, vec![723456789012345678]);
    let ids: Vec<u64> = s.guilds.iter().map(|g| g.id).collect();
    assert_eq!(ids, [123456789012345678, 623456789012345678]);
    assert!(s.discord.guild_ids.is_empty());
    assert!(s.guild(1).is_none());

    let printed = s.to_redacted_toml();
    assert!(
        printed.contains(
            "[guilds.123456789012345678]\n\
             compliance_channel_id = \"534567890123456789\"\n\
             member = [\"445678901234567890\"]\n"
        ),
        "{printed}"
    );
    assert!(
        printed.contains("[guilds.623456789012345678]\n"),
        "{printed}"
    );
    assert!(!Settings::default().to_redacted_toml().contains("guilds"));
}

#[test]
fn bad_guild_ids_and_unknown_guild_keys_name_their_path_and_origin() {
    let err = load_from_sources(
        Some((
            "aimsbot.toml",
            r#"
            [guilds.my-server]
            compliance_channel_id = "234567890123456789"
            [guilds.123456789012345678]
            complaince = ["345678901234567890"]
            owner = ["boss"]
            "#,
        )),
        &env(&[
            ("AIMSBOT_GUILDS__007__MEMBER", "1"),
            ("AIMSBOT_GUILDS__223456789012345678__CHANNEL", "2"),
        ]),
    )
    .unwrap_err();
    let find = |key: &str| {
        err.problems
            .iter()
            .find(|p| p.key == key)
            .unwrap_or_else(|| panic!("no problem for {key}: {err}"))
    };
    assert_eq!(err.problems.len(), 5, "{err}");

    let p = find("guilds.my-server");
    assert_eq!(p.origin.as_deref(), Some("aimsbot.toml"));
    assert!(
        p.message.starts_with(
            "`my-server` is not a Discord server id; expected the server (guild) id as a \
             positive decimal integer, such as [guilds.123456789012345678]"
        ),
        "{}",
        p.message
    );
    let p = find("guilds.007");
    assert_eq!(p.origin.as_deref(), Some("env AIMSBOT_GUILDS__007__MEMBER"));

    let p = find("guilds.123456789012345678.complaince");
    assert_eq!(p.origin.as_deref(), Some("aimsbot.toml"));
    assert!(
        p.message.starts_with(
            "unknown key (did you mean `compliance`?); the keys of [guilds.123456789012345678] \
             are: compliance_channel_id, member, owner, compliance, auditor"
        ),
        "{}",
        p.message
    );
    let p = find("guilds.123456789012345678.owner");
    assert!(
        p.message.contains("the string \"boss\" is not a snowflake"),
        "{}",
        p.message
    );
    let p = find("guilds.223456789012345678.channel");
    assert_eq!(
        p.origin.as_deref(),
        Some("env AIMSBOT_GUILDS__223456789012345678__CHANNEL")
    );
    assert!(p.message.starts_with("unknown key"), "{}", p.message);

    let p = only_problem("guilds = 5\n", "guilds");
    assert!(
        p.message
            .contains("expected one table [guilds.<id>] per Discord server"),
        "{}",
        p.message
    );
    let p = only_problem(
        "[guilds]\n123456789012345678 = \"x\"\n",
        "guilds.123456789012345678",
    );
    assert!(
        p.message
            .starts_with("expected a table [guilds.123456789012345678] with the keys"),
        "{}",
        p.message
    );
    let p = only_problem("[guild.123]\nowner = []\n", "guild");
    assert!(p.message.contains("did you mean `guilds`"), "{}", p.message);
    assert!(p.message.contains("[guilds.<id>]"), "{}", p.message);
}

#[test]
fn an_own_table_wins_entirely_and_a_listed_guild_falls_back_to_the_top_level() {
    let s = from_file(
        r#"
        [discord]
        guild_ids = ["100000000000000001", "100000000000000002"]
        compliance_channel_id = "200000000000000001"
        [roles]
        compliance = ["300000000000000001"]
        owner = ["300000000000000002"]
        [guilds.100000000000000002]
        owner = ["400000000000000002"]
        [guilds.100000000000000003]
        "#,
    )
    .unwrap();
    let ids: Vec<u64> = s.guilds.iter().map(|g| g.id).collect();
    assert_eq!(
        ids,
        [100000000000000001, 100000000000000002, 100000000000000003]
    );

    let listed_only = s.guild(100000000000000001).unwrap();
    assert_eq!(listed_only.compliance_channel_id, Some(200000000000000001));
    assert_eq!(listed_only.roles, s.roles);

    // Its own table says nothing about the channel or compliance roles: none, not the
    // top-level ones, which belong to another server.
    let own_table = s.guild(100000000000000002).unwrap();
    assert_eq!(own_table.compliance_channel_id, None);
    assert_eq!(own_table.roles.owner, vec![400000000000000002]);
    assert!(own_table.roles.compliance.is_empty());

    let table_only = s.guild(100000000000000003).unwrap();
    assert_eq!(table_only.compliance_channel_id, None);
    assert_eq!(table_only.roles, RoleSettings::default());

    // The existing fields keep their configured values.
    assert_eq!(
        s.discord.guild_ids,
        vec![100000000000000001, 100000000000000002]
    );
    assert_eq!(s.discord.compliance_channel_id, Some(200000000000000001));
    assert_eq!(s.roles.owner, vec![300000000000000002]);

    // The table for a listed guild is printed; the listed-only guild is not given one.
    let printed = s.to_redacted_toml();
    assert!(printed.contains("[guilds.100000000000000002]"), "{printed}");
    assert!(printed.contains("[guilds.100000000000000003]"), "{printed}");
    assert!(
        !printed.contains("[guilds.100000000000000001]"),
        "{printed}"
    );
    let reloaded = load_from_sources(Some(("printed", &printed)), &[]).unwrap();
    assert_eq!(reloaded.guilds, s.guilds);
}

#[test]
fn the_top_level_channel_serves_only_one_guild() {
    let p = only_problem(
        r#"
        [discord]
        guild_ids = ["100000000000000001", "100000000000000002", "100000000000000003"]
        compliance_channel_id = "200000000000000001"
        [guilds.100000000000000003]
        "#,
        "discord.compliance_channel_id",
    );
    assert_eq!(p.origin.as_deref(), Some("aimsbot.toml"));
    assert!(
        p.message.starts_with(
            "a channel belongs to one server, but 2 servers without a [guilds.<id>] table take \
             this top-level setting (100000000000000001, 100000000000000002); set \
             compliance_channel_id per guild in [guilds.<id>] instead"
        ),
        "{}",
        p.message
    );

    let err = load_from_sources(
        None,
        &env(&[
            ("AIMSBOT_DISCORD__GUILD_IDS", "1,2"),
            ("AIMSBOT_DISCORD__COMPLIANCE_CHANNEL_ID", "3"),
        ]),
    )
    .unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(
        err.problems[0].origin.as_deref(),
        Some("env AIMSBOT_DISCORD__COMPLIANCE_CHANNEL_ID")
    );

    // One guild on the top-level settings, the others with their own tables: fine.
    from_file(
        r#"
        [discord]
        guild_ids = ["100000000000000001", "100000000000000002"]
        compliance_channel_id = "200000000000000001"
        [guilds.100000000000000002]
        compliance_channel_id = "200000000000000002"
        "#,
    )
    .unwrap();
    // Several listed guilds without a top-level channel: fine.
    from_file("[discord]\nguild_ids = [1, 2]\n").unwrap();
}

#[test]
fn a_bot_token_needs_a_served_guild() {
    let p = only_problem("[discord]\ntoken = \"abc\"\n", "discord.guild_ids");
    assert_eq!(p.origin, None);
    assert!(
        p.message
            .contains("aimsbot serves only the servers listed here"),
        "{}",
        p.message
    );
    assert!(p.message.contains("Copy Server ID"), "{}", p.message);

    let p = only_problem(
        "[discord]\ntoken = \"abc\"\nguild_ids = []\n",
        "discord.guild_ids",
    );
    assert_eq!(p.origin.as_deref(), Some("aimsbot.toml"));

    // An unreadable token file is reported, and so is the missing guild.
    let err = load_from_sources(
        None,
        &env(&[("AIMSBOT_DISCORD__TOKEN_FILE", "/nonexistent/aimsbot-token")]),
    )
    .unwrap_err();
    let mut keys: Vec<&str> = err.problems.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["discord.guild_ids", "discord.token_file"], "{err}");

    // A guild table alone serves its guild; without a token no guild is needed.
    from_file("[discord]\ntoken = \"abc\"\n[guilds.123456789012345678]\n").unwrap();
    from_file("[discord]\ntoken = \"\"\n").unwrap();
}

#[test]
fn the_server_secret_is_checked_but_its_file_is_left_alone() {
    let s = load_from_sources(None, &[]).unwrap();
    assert!(s.security.secret.is_none());
    assert_eq!(s.security.secret_file, Path::new("aimsbot.secret"));
    assert!(
        s.to_redacted_toml()
            .contains("secret_file = \"aimsbot.secret\"\nsecret = \"\"  # not set")
    );

    // Loading neither reads nor creates the file: the binary does that.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aimsbot.secret");
    let s = load_from_sources(
        None,
        &env(&[("AIMSBOT_SECURITY__SECRET_FILE", file.to_str().unwrap())]),
    )
    .unwrap();
    assert_eq!(s.security.secret_file, file);
    assert!(!file.exists());

    // Both set: the secret wins, and the printed config says the file is not used.
    let secret = "0123456789abcdef0123456789abcdef";
    let s = load_from_sources(
        Some((
            "aimsbot.toml",
            "[security]\nsecret_file = \"/run/secrets/aimsbot\"\n",
        )),
        &env(&[("AIMSBOT_SECURITY__SECRET", secret)]),
    )
    .unwrap();
    assert_eq!(s.security.secret.as_ref().unwrap().expose_secret(), secret);
    let printed = s.to_redacted_toml();
    assert!(
        printed.contains(
            "secret_file = \"/run/secrets/aimsbot\"  # not used: security.secret is set\n\
             secret = \"[redacted]\"  # set"
        ),
        "{printed}"
    );
    assert!(!format!("{s:?}").contains(secret));

    let err =
        load_from_sources(None, &env(&[("AIMSBOT_SECURITY__SECRET", "sh0rtS3cret")])).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    let p = &err.problems[0];
    assert_eq!(p.key, "security.secret");
    assert_eq!(p.origin.as_deref(), Some("env AIMSBOT_SECURITY__SECRET"));
    assert!(
        p.message.contains("shorter than 32 characters"),
        "{}",
        p.message
    );
    assert!(!err.to_string().contains("sh0rtS3cret"), "{err}");

    let p = only_problem("[security]\nsecret = 12345\n", "security.secret");
    assert!(!p.message.contains("12345"), "{}", p.message);
    let p = only_problem("[security]\nsecret_file = \"\"\n", "security.secret_file");
    assert!(p.message.contains("the path is empty"), "{}", p.message);
}
