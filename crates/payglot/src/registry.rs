//! The format registry: which codecs this build has, looked up by format id.

use payglot_core_model::{CanonicalJson, Codec, Format};

/// The codecs of this build, by format id. [`Registry::standard`] holds every codec compiled
/// in; [`Registry::register`] adds (or replaces) one, so an application can bring its own.
pub struct Registry {
    codecs: Vec<Box<dyn Codec>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.formats()).finish()
    }
}

impl Registry {
    /// A registry with no codecs.
    pub fn empty() -> Self {
        Self { codecs: Vec::new() }
    }

    /// Every codec compiled into this build.
    pub fn standard() -> Self {
        let mut registry = Self::empty();
        registry.register(Box::new(CanonicalJson));
        for codec in payglot_iso20022::codecs() {
            registry.register(codec);
        }
        registry.register(Box::new(payglot_rest::RestNative));
        registry.register(Box::new(payglot_rest::RestBerlinGroup::default()));
        registry.register(Box::new(payglot_rest::RestOpenBankingUk::v4()));
        registry.register(Box::new(payglot_rest::RestOpenBankingUk::v3_1()));
        registry.register(Box::new(payglot_graphql::GraphqlCodec));
        registry.register(Box::new(payglot_soap::SoapPayglot::default()));
        registry.register(Box::new(payglot_soap::SoapIso20022::new(
            &crate::compose::ANY_ISO20022,
            payglot_soap::SoapVersion::V1_1,
        )));
        registry
    }

    /// Add a codec, replacing any with the same format id.
    pub fn register(&mut self, codec: Box<dyn Codec>) {
        let format = codec.format();
        self.codecs.retain(|c| c.format() != format);
        self.codecs.push(codec);
        self.codecs.sort_by_key(|c| c.format());
    }

    /// The codec for `format`.
    pub fn get(&self, format: &Format) -> Option<&dyn Codec> {
        self.codecs.iter().find(|c| &c.format() == format).map(|c| c.as_ref())
    }

    /// Every format id, sorted.
    pub fn formats(&self) -> impl Iterator<Item = Format> + '_ {
        self.codecs.iter().map(|c| c.format())
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::standard()
    }
}
