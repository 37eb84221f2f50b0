//! Wrapping formats composed from two protocol crates: `soap:iso20022` carries any ISO 20022
//! document, so its inner codec is [`AnyIso20022`], which picks the version by namespace on
//! decode and by message kind on encode. Protocol crates never depend on each other; this
//! module is where they meet.

use payglot_core_model::{
    Codec, DecodeError, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded, Format, Location, Message,
};
use payglot_iso20022::{Iso20022Codec, IsoMessage};

/// Any supported ISO 20022 document: decodes whichever version it finds; encodes in the
/// newest supported version of the message's kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyIso20022;

/// The version `AnyIso20022` writes for each kind of message.
fn version_for(message: &Message) -> IsoMessage {
    match message {
        Message::PaymentInitiation(_) => IsoMessage::Pain001V09,
        Message::InterbankTransfer(_) => IsoMessage::Pacs008V08,
        Message::StatusReport(_) => IsoMessage::Pain002V10,
        Message::PaymentReturn(_) => IsoMessage::Pacs004V09,
        Message::Statement(_) => IsoMessage::Camt053V08,
        Message::Notification(_) => IsoMessage::Camt054V08,
    }
}

impl Codec for AnyIso20022 {
    fn format(&self) -> Format {
        Format::from_static("iso20022:any")
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        match payglot_iso20022::sniff(input) {
            Some(Ok(format)) => {
                let version = IsoMessage::ALL.into_iter().find(|m| m.format() == format);
                let version = version
                    .ok_or_else(|| DecodeError::unsupported(Location::default(), format!("unsupported {format}")))?;
                Iso20022Codec::new(version).decode(input, limits)
            }
            Some(Err(namespace)) => {
                let version = namespace.rsplit(':').next().unwrap_or(&namespace).to_owned();
                Err(DecodeError::unsupported(Location::path("/Document"), format!("unsupported version {version}")))
            }
            None => Err(DecodeError::invalid(Location::default(), "no ISO 20022 Document found")),
        }
    }

    fn encode(&self, message: &Message, opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        Iso20022Codec::new(version_for(message)).encode(message, opts)
    }
}

/// The inner codec of the registry's `soap:iso20022`.
pub(crate) static ANY_ISO20022: AnyIso20022 = AnyIso20022;
