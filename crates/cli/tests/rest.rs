//! Issue 5's done-means from the command line: `payglot translate --to <rest dialect>` for every
//! REST format on the ISO 20022 pain.001.001.09 fixture and on the canonical fixture, checking
//! the content as each dialect writes it, the strict refusal (exit 3, the losses listed) and
//! `--lossy` (exit 0); and a Berlin Group body, which carries no message id or time, back to
//! pain.001.001.09 with `--message-id` and `--created`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

const ISO: &str = "iso20022/pain.001.001.09/sepa-prefixed-namespace/input.xml";
const CANONICAL: &str = "canonical/json/payment-initiation-sepa/input.json";

fn read(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `payglot <args>` with `stdin`: exit code, stdout, stderr.
fn payglot(args: &[&str], stdin: &[u8]) -> (Option<i32>, Vec<u8>, String) {
    let mut command = Command::cargo_bin("payglot").unwrap_or_else(|e| panic!("{e}"));
    let output = command.args(args).write_stdin(stdin.to_vec()).output().unwrap_or_else(|e| panic!("{e}"));
    (output.status.code(), output.stdout, String::from_utf8_lossy(&output.stderr).into_owned())
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

/// Strict mode refuses with exit 3 and lists `must_list` among the losses, writing nothing;
/// `--lossy` writes the body with exit 0 and lists the same losses. Returns the body.
fn refused_then_lossy(to: &str, fixture: &str, must_list: &[&str]) -> Value {
    let input = read(fixture);
    let (code, stdout, stderr) = payglot(&["translate", "--to", to], &input);
    assert_eq!(code, Some(3), "{to} strict on {fixture}: {stderr}");
    assert!(stdout.is_empty(), "{to}: strict wrote output");
    for loss in must_list {
        assert!(stderr.contains(loss), "{to} on {fixture}: {loss:?} not listed in\n{stderr}");
    }
    let (code, stdout, lossy_stderr) = payglot(&["translate", "--to", to, "--lossy"], &input);
    assert_eq!(code, Some(0), "{to} --lossy on {fixture}: {lossy_stderr}");
    for loss in must_list {
        assert!(lossy_stderr.contains(loss), "{to} --lossy on {fixture}: {loss:?} not listed in\n{lossy_stderr}");
    }
    json(&stdout)
}
