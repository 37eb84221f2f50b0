//! Test helpers: corpus walking and extraction of one element (with the namespace
//! declarations in scope) as a standalone document, for xmllint.
#![allow(dead_code, unreachable_pub)]
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::path::{Path, PathBuf};

pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Every `*.xml` under `../shared/corpus/iso20022`, sorted; empty if the folder is absent.
pub fn corpus_files() -> Vec<PathBuf> {
    files_under(&shared().join("corpus/iso20022"), |path| path.extension().is_some_and(|x| x == "xml"))
}

/// Every file under `dir` (recursively) that `keep` accepts, sorted; empty if `dir` is absent.
pub fn files_under(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    fn walk(p: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, keep, out);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, &keep, &mut v);
    v.sort();
    v
}

/// The first element with this local name (any namespace), as a standalone document with the
/// namespace declarations of its ancestors copied onto it. Returns (namespace, xml).
pub fn extract(bytes: &[u8], local: &str) -> Option<(String, Vec<u8>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = NsReader::from_str(text);
    let mut scopes: Vec<Vec<(String, String)>> = Vec::new();
    loop {
        let pos = r.buffer_position() as usize;
        match r.read_event().ok()? {
            Event::Start(e) => {
                let mut decls = Vec::new();
                for a in e.attributes().flatten() {
                    let k = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    if k == "xmlns" || k.starts_with("xmlns:") {
                        decls.push((k, a.unescape_value().ok()?.into_owned()));
                    }
                }
                if e.local_name().as_ref() == local.as_bytes() {
                    let ns = match r.resolve_element(e.name()).0 {
                        ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
                        _ => String::new(),
                    };
                    let name = e.name().as_ref().to_vec();
                    r.read_to_end(quick_xml::name::QName(&name)).ok()?;
                    let end = r.buffer_position() as usize;
                    let frag = text.get(pos..end)?;
                    let mut extra = String::new();
                    let mut seen: Vec<String> = decls.iter().map(|(k, _)| k.clone()).collect();
                    for scope in scopes.iter().rev() {
                        for (k, v) in scope {
                            if !seen.contains(k) {
                                extra.push_str(&format!(" {k}=\"{}\"", v.replace('"', "&quot;")));
                                seen.push(k.clone());
                            }
                        }
                    }
                    let name_len = 1 + name.len();
                    let out = format!("{}{}{}", frag.get(..name_len)?, extra, frag.get(name_len..)?);
                    return Some((ns, out.into_bytes()));
                }
                scopes.push(decls);
            }
            Event::End(_) => {
                scopes.pop();
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Run `xmllint --noout --schema <xsd> -` on `doc`; `None` if xmllint is not installed.
/// Some((valid, its whole error output)). The document goes through standard input (written
/// from a thread, so a long error output cannot stall it), so nothing is left on disk and tests
/// running in parallel cannot overwrite each other's file.
pub fn xmllint_output(xsd: &Path, doc: &[u8]) -> Option<(bool, String)> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let doc = doc.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&doc));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    Some((out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned()))
}

/// [`xmllint_output`] with only the first error line. Some((valid, first error line)).
pub fn xmllint(xsd: &Path, doc: &[u8]) -> Option<(bool, String)> {
    let (valid, stderr) = xmllint_output(xsd, doc)?;
    let first =
        stderr.lines().find(|l| l.contains("error") || l.contains("Schemas validity")).unwrap_or("").to_string();
    Some((valid, first))
}

/// The rule named by an xmllint error line, in our [`Rule::as_str`] vocabulary.
pub fn xmllint_rule(line: &str) -> &'static str {
    for facet in [
        "maxLength",
        "minLength",
        "pattern",
        "enumeration",
        "totalDigits",
        "fractionDigits",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "length",
    ] {
        if line.contains(&format!("[facet '{facet}']")) {
            return match facet {
                "maxLength" => "maxLength",
                "minLength" => "minLength",
                "pattern" => "pattern",
                "enumeration" => "enumeration",
                "totalDigits" => "totalDigits",
                "fractionDigits" => "fractionDigits",
                "minInclusive" => "minInclusive",
                "maxInclusive" => "maxInclusive",
                "minExclusive" => "minExclusive",
                "maxExclusive" => "maxExclusive",
                _ => "length",
            };
        }
    }
    if line.contains("is not a valid value of the atomic type") {
        "datatype"
    } else if line.contains("This element is not expected") {
        "unexpected-element"
    } else if line.contains("Missing child element") {
        "missing-element"
    } else if line.contains("Character content other than whitespace") {
        "element-only-content"
    } else if line.contains("attribute") && line.contains("is not allowed") {
        "unexpected-attribute"
    } else if line.contains("is required but missing") {
        "missing-attribute"
    } else {
        "other"
    }
}
