//! Just enough `multipart/form-data` parsing to read what serenity sends with attachments: a
//! `payload_json` text part (the message body) and `files[N]` file parts.

use super::RecordedFile;

pub(crate) struct Parsed {
    pub payload_json: Option<String>,
    pub files: Vec<RecordedFile>,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

pub(crate) fn parse(body: &[u8], boundary: &str) -> Parsed {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parsed = Parsed {
        payload_json: None,
        files: Vec::new(),
    };
    let mut rest = body;
    // Skip the preamble up to the first delimiter.
    let Some(start) = find(rest, &delimiter) else {
        return parsed;
    };
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            break; // closing delimiter
        }
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(rest, &delimiter) else {
            break;
        };
        let part = &rest[..end];
        // The CRLF before a delimiter belongs to the delimiter.
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        add_part(&mut parsed, part);
        rest = &rest[end + delimiter.len()..];
    }
    parsed
}

fn add_part(parsed: &mut Parsed, part: &[u8]) {
    let Some(split) = find(part, b"\r\n\r\n") else {
        return;
    };
    let headers = String::from_utf8_lossy(&part[..split]);
    let data = &part[split + 4..];
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in headers.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            name = disposition_param(value, "name");
            filename = disposition_param(value, "filename");
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    let field = name.unwrap_or_default();
    if field == "payload_json" && filename.is_none() {
        parsed.payload_json = Some(String::from_utf8_lossy(data).into_owned());
    } else {
        parsed.files.push(RecordedFile {
            field,
            filename,
            content_type,
            data: data.to_vec(),
        });
    }
}

fn disposition_param(value: &str, key: &str) -> Option<String> {
    value.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
