//! `soap:iso20022` over a fake inner codec: documents reach the inner codec byte-exact, AppHdr
//! headers travel, the Nordic secure envelope (plain, gzip, inside a WS-channel operation)
//! unpacks, and hostile content (gzip bombs, DTDs, several Body children) is refused.

mod common;

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::FakeIso;
use payglot_core_model::{CanonicalJson, Codec, DecodeLimits, EncodeOptions};
use payglot_soap::{NS_SOAP11, NS_SOAP12, NordicConfig, SoapIso20022, SoapVersion};

const CANONICAL: &str = r#"{"canonical_version":1,"message":{"statement":{"header":{"message_id":"STMT-1","created":"2024-03-01T08:00:00Z"},"reports":[{"id":"S-1","account":{"id":{"iban":"DE89370400440532013000"}},"entries":[{"amount":{"amount":"10.50","currency":"EUR"},"credit_debit":"credit","status":{"code":"BOOK"},"bank_transaction_code":{"domain":"PMNT"}}]}]}}}"#;

fn document() -> String {
    let json = CANONICAL.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        "<Document xmlns=\"urn:fake:document\"  Id='signed'>\n\t<Json>{json}</Json><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">abc=</ds:Signature>\n</Document>"
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[test]
fn document_reaches_the_inner_codec_byte_exact() {
    let fake = FakeIso::default();
    let codec = SoapIso20022::new(&fake, SoapVersion::V1_1);
    let input = format!(
        "<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body>\n{}\n</s:Body></s:Envelope>",
        document()
    );
    let decoded = codec.decode(input.as_bytes(), &DecodeLimits::default());
    assert_eq!(decoded.map(|d| d.losses.len()).map_err(|e| e.to_string()), Ok(0));
    assert_eq!(fake.last_input().map(String::from_utf8), Some(Ok(document())));
}

#[test]
fn app_header_in_the_soap_header_travels_with_the_document() {
    let fake = FakeIso::default();
    let codec = SoapIso20022::new(&fake, SoapVersion::V1_2);
    let header = "<h:AppHdr xmlns:h=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\" e:mustUnderstand=\"true\"><h:BizMsgIdr>B-1</h:BizMsgIdr></h:AppHdr>";
    let input = format!(
        "<e:Envelope xmlns:e=\"{NS_SOAP12}\"><e:Header>{header}</e:Header><e:Body>{}</e:Body></e:Envelope>",
        document()
    );
    let decoded = codec.decode(input.as_bytes(), &DecodeLimits::default()).map_err(|e| e.to_string());
    assert_eq!(decoded.map(|d| d.losses), Ok(Vec::new()));
    let seen = fake.last_input().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    assert!(seen.starts_with("<Envelope xmlns=\"urn:swift:xsd:envelope\"><h:AppHdr "), "{seen}");
    assert!(seen.contains(&document()));
    // Writing with a business header puts the AppHdr back into the SOAP header.
    let message = CanonicalJson.decode(CANONICAL.as_bytes(), &DecodeLimits::default()).map(|d| d.message);
    let Ok(message) = message else { panic!("canonical parses") };
    let mut opts = EncodeOptions::default();
    opts.business_header = true;
    let encoded = codec.encode(&message, &opts).map(|e| String::from_utf8_lossy(&e.bytes).into_owned());
    let encoded = encoded.unwrap_or_default();
    assert!(
        encoded.contains("<env:Header><AppHdr xmlns=\"urn:iso:std:iso:20022:tech:xsd:head.001.001.02\">"),
        "{encoded}"
    );
    let again = codec.decode(encoded.as_bytes(), &DecodeLimits::default()).map(|d| d.message);
    assert_eq!(again.ok(), Some(message));
}

#[test]
fn nordic_application_request_with_gzip_content() {
    let fake = FakeIso::default();
    let codec = SoapIso20022::new(&fake, SoapVersion::V1_1);
    let content = BASE64.encode(gzip(document().as_bytes()));
    let app = format!(
        "<ApplicationRequest xmlns=\"http://bxd.fi/xmldata/\"><CustomerId>11111111</CustomerId><Command>UploadFile</Command>\
         <Timestamp>2024-03-01T10:00:00+02:00</Timestamp><Environment>TEST</Environment><Compression>true</Compression>\
         <CompressionMethod>RFC1952</CompressionMethod><SoftwareId>payglot</SoftwareId><FileType>pain.001.001.03</FileType>\
         <Content>{content}</Content></ApplicationRequest>"
    );
    let direct = format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body>{app}</s:Body></s:Envelope>");
    let decoded = codec.decode(direct.as_bytes(), &DecodeLimits::default()).map_err(|e| e.to_string());
    let losses: Vec<String> = decoded.map(|d| d.losses.iter().map(ToString::to_string).collect()).unwrap_or_default();
    assert_eq!(losses.len(), 6, "{losses:?}");
    assert!(losses[0].starts_with("dropped /ApplicationRequest/CustomerId"));
    assert_eq!(fake.last_input().map(String::from_utf8), Some(Ok(document())));
    // The WS-channel form: the ApplicationRequest XML itself base64 inside the operation.
    let wrapped = format!(
        "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><cor:uploadFilein xmlns:cor=\"http://bxd.fi/CorporateFileService\">\
         <mod:RequestHeader xmlns:mod=\"http://model.bxd.fi\"><mod:SenderId>11111111</mod:SenderId></mod:RequestHeader>\
         <mod:ApplicationRequest xmlns:mod=\"http://model.bxd.fi\">{}</mod:ApplicationRequest></cor:uploadFilein></s:Body></s:Envelope>",
        BASE64.encode(app.as_bytes())
    );
    let decoded = codec.decode(wrapped.as_bytes(), &DecodeLimits::default()).map_err(|e| e.to_string());
    assert_eq!(decoded.map(|d| d.losses.len()), Ok(7));
    assert_eq!(fake.last_input().map(String::from_utf8), Some(Ok(document())));
}

#[test]
fn nordic_encode_and_decode_round_trip() {
    let fake = FakeIso::default();
    let config = NordicConfig {
        customer_id: "11111111".to_owned(),
        software_id: "payglot".to_owned(),
        environment: "TEST".to_owned(),
        file_type: Some("camt.053.001.02".to_owned()),
        compress: true,
    };
    let codec = SoapIso20022::nordic(&fake, SoapVersion::V1_2, &config);
    let message = CanonicalJson.decode(CANONICAL.as_bytes(), &DecodeLimits::default()).map(|d| d.message);
    let Ok(message) = message else { panic!("canonical parses") };
    let encoded = codec.encode(&message, &EncodeOptions::default()).map(|e| e.bytes).unwrap_or_default();
    let text = String::from_utf8_lossy(&encoded);
    assert!(
        text.contains("<ApplicationResponse xmlns=\"http://bxd.fi/xmldata/\"><CustomerId>11111111</CustomerId>"),
        "{text}"
    );
    assert!(text.contains("<Compressed>true</Compressed>"));
    let decoded = codec.decode(&encoded, &DecodeLimits::default()).map_err(|e| e.to_string());
    let losses: Vec<String> =
        decoded.as_ref().map(|d| d.losses.iter().map(|l| l.path.clone()).collect()).unwrap_or_default();
    assert_eq!(
        losses,
        ["/ApplicationResponse/CustomerId", "/ApplicationResponse/Timestamp", "/ApplicationResponse/FileType"]
    );
    assert_eq!(decoded.map(|d| d.message), Ok(message));
}

#[test]
fn gzip_bombs_and_hostile_envelopes_are_refused() {
    let fake = FakeIso::default();
    let codec = SoapIso20022::new(&fake, SoapVersion::V1_1);
    // 20 MiB of zeros compress to about 20 KiB: beyond the 16 MiB default once inflated.
    let bomb = BASE64.encode(gzip(&vec![0u8; 20 << 20]));
    let input = format!(
        "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><ApplicationRequest xmlns=\"http://bxd.fi/xmldata/\"><Compression>1</Compression><Content>{bomb}</Content></ApplicationRequest></s:Body></s:Envelope>"
    );
    let error =
        codec.decode(input.as_bytes(), &DecodeLimits::default()).map_err(|e| (e.kind().as_str(), e.to_string()));
    assert!(matches!(&error, Err(("limit", m)) if m.contains("gzip bomb")), "{error:?}");
    // Huge base64 beyond the size limit.
    let huge = format!(
        "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><ApplicationRequest xmlns=\"http://bxd.fi/xmldata/\"><Content>{}</Content></ApplicationRequest></s:Body></s:Envelope>",
        "QUFB".repeat(1 << 10)
    );
    let small = DecodeLimits::default().with_max_bytes(2048);
    assert_eq!(codec.decode(huge.as_bytes(), &small).map(|_| ()).map_err(|e| e.kind().as_str()), Err("limit"));
    // Two documents in one Body.
    let two = format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body>{}{}</s:Body></s:Envelope>", document(), document());
    assert_eq!(
        codec.decode(two.as_bytes(), &DecodeLimits::default()).map(|_| ()).map_err(|e| e.kind().as_str()),
        Err("invalid")
    );
    // Base64 content holding a DTD: refused by the inner codec's reader or ours, never expanded.
    let dtd = BASE64.encode(b"<!DOCTYPE x [<!ENTITY a \"b\">]><ApplicationRequest xmlns=\"http://bxd.fi/xmldata/\"/>");
    let input = format!(
        "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><c:up xmlns:c=\"urn:c\"><m:ApplicationRequest xmlns:m=\"urn:m\">{dtd}</m:ApplicationRequest></c:up></s:Body></s:Envelope>"
    );
    assert_eq!(
        codec.decode(input.as_bytes(), &DecodeLimits::default()).map(|_| ()).map_err(|e| e.kind().as_str()),
        Err("limit")
    );
    assert_eq!(fake.seen.lock().map(|s| s.len()).unwrap_or(99), 0, "nothing hostile reached the inner codec");
}
