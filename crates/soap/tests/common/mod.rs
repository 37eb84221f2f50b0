//! A tiny fake inner codec for `soap:iso20022` tests: it writes the canonical JSON of a message
//! inside `<Document xmlns="urn:fake:document"><Json>...</Json></Document>` (with a head.001
//! `AppHdr` in a SWIFT envelope when asked for a business header), reads it back, and records
//! every input it is given so tests can check the bytes are passed on exactly.

#![allow(dead_code)]

use std::sync::Mutex;

use payglot_core_model::{
    CanonicalJson, Codec, DecodeError, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded, Format, Location,
    Message,
};

pub(crate) const FAKE_NS: &str = "urn:fake:document";

#[derive(Debug, Default)]
pub(crate) struct FakeIso {
    pub(crate) seen: Mutex<Vec<Vec<u8>>>,
}

impl FakeIso {
    pub(crate) fn last_input(&self) -> Option<Vec<u8>> {
        self.seen.lock().ok().and_then(|s| s.last().cloned())
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\r', "&#13;")
}

fn unescape(text: &str) -> String {
    text.replace("&#13;", "\r").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

impl Codec for FakeIso {
    fn format(&self) -> Format {
        Format::from_static("iso20022:fake")
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(input.to_vec());
        }
        let text = std::str::from_utf8(input).map_err(|_| DecodeError::syntax(Location::default(), "utf-8"))?;
        let start = text.find("<Json>").map(|i| i + 6);
        let end = text.find("</Json>");
        let (Some(start), Some(end)) = (start, end) else {
            return Err(DecodeError::invalid(Location::default(), "fake: no Json element"));
        };
        let json = unescape(text.get(start..end).unwrap_or(""));
        CanonicalJson.decode(json.as_bytes(), limits)
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        let json = CanonicalJson.encode(message, opts)?;
        let json = String::from_utf8_lossy(&json.bytes).into_owned();
        let document = format!("<Document xmlns=\"{FAKE_NS}\"><Json>{}</Json></Document>", escape(&json));
        let bytes = if opts.business_header {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Envelope xmlns=\"urn:swift:xsd:envelope\"><AppHdr xmlns=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\"><BizMsgIdr>{}</BizMsgIdr></AppHdr>{document}</Envelope>",
                escape(message.header().message_id.as_str())
            )
        } else {
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{document}")
        };
        Ok(Encoded { bytes: bytes.into_bytes(), losses: Vec::new() })
    }
}
