//! Tidy rules as tests (rust-analyzer's `tidy.rs`): house rules that a reviewer would otherwise
//! have to remember, checked on every `cargo test`.

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        crate::workspace_root()
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() && name != "target" && name != "corpus" && name != "artifacts" {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    fn sources() -> Vec<(PathBuf, String)> {
        let mut files = Vec::new();
        for dir in ["crates", "xtask", "fuzz"] {
            rust_files(&root().join(dir), &mut files);
        }
        files.sort();
        files.into_iter().map(|p| (p.clone(), fs::read_to_string(&p).unwrap_or_default())).collect()
    }

    /// Library code only: `src/` of each crate, up to its `#[cfg(test)]` module.
    fn library_code(path: &Path, text: &str) -> Option<String> {
        let rel = path.strip_prefix(root()).ok()?.to_string_lossy().replace('\\', "/");
        if !rel.starts_with("crates/") || !rel.contains("/src/") {
            return None;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        // serde's format and visitor traits require `serialize_f64`, `visit_f64` and friends; our
        // code implements them only to refuse floats, so those signatures are not float use.
        let trait_signature = |l: &str| {
            [
                "fn serialize_f32",
                "fn serialize_f64",
                "fn deserialize_f32",
                "fn deserialize_f64",
                "fn visit_f32",
                "fn visit_f64",
            ]
            .iter()
            .any(|s| l.contains(s))
        };
        let kept = code.lines().filter(|l| !l.trim_start().starts_with("//") && !trait_signature(l));
        Some(kept.collect::<Vec<_>>().join("\n"))
    }

    fn has_word(code: &str, word: &str) -> bool {
        code.match_indices(word).any(|(i, _)| {
            let before = code[..i].chars().next_back();
            let after = code[i + word.len()..].chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !ident(before) && !ident(after)
        })
    }

    #[test]
    fn every_rust_file_starts_with_a_module_comment() {
        let missing: Vec<String> = sources()
            .into_iter()
            .filter(|(_, text)| {
                let first = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with("// @generated"));
                !first.is_some_and(|l| l.starts_with("//!"))
            })
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert!(missing.is_empty(), "files without a leading `//!` comment: {missing:#?}");
    }

    #[test]
    fn no_floats_in_library_code() {
        let offenders: Vec<String> = sources()
            .into_iter()
            .filter(|(p, t)| library_code(p, t).is_some_and(|code| has_word(&code, "f32") || has_word(&code, "f64")))
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "f32/f64 in library code (money must never pass through a float): {offenders:#?}"
        );
    }

    #[test]
    fn no_unwrap_or_expect_in_library_code() {
        let offenders: Vec<String> = sources()
            .into_iter()
            .filter(|(p, t)| {
                library_code(p, t).is_some_and(|code| code.contains(".unwrap()") || code.contains(".expect("))
            })
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert!(offenders.is_empty(), "unwrap()/expect() in library code (decoders must never panic): {offenders:#?}");
    }

    #[test]
    fn no_ignored_or_should_panic_tests() {
        let offenders: Vec<String> = sources()
            .into_iter()
            .filter(|(_, t)| t.contains(concat!("#[", "ignore")) || t.contains(concat!("#[", "should_panic")))
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "ignored or should_panic tests (assert wrong behaviour with a FIXME instead): {offenders:#?}"
        );
    }

    #[test]
    fn every_crate_has_a_readme() {
        let missing: Vec<String> = fs::read_dir(root().join("crates"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|dir| dir.is_dir() && !dir.join("README.md").is_file())
            .map(|dir| dir.display().to_string())
            .collect();
        assert!(missing.is_empty(), "crates without README.md: {missing:?}");
    }
}
