//! TEMPORARY hand-written body mapping for `schemas/soap/payglot.xsd`, until the xsd-codegen
//! (crate `payglot-xsd-codegen`) can generate the body types. It is driven by the canonical
//! model's own serde derives: the XSD mirrors the model one to one (an element per field, named
//! by the field in PascalCase, repeated fields repeat their element, enums are a choice of
//! variant elements, unit variants are text, maps are `<Entry Key="...">` lists), so a serde
//! `Serializer` writes the body and a serde `Deserializer` over the hardened element tree
//! ([`crate::xml`]) reads it. Nothing is dropped: every field the model has, the XSD has.
//! The xmllint tests check that what this writes validates against the XSD.

use std::fmt;

use payglot_core_model::{DecodeError, EncodeError, Location};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize};

use crate::NS_PAYGLOT;
use crate::xml::{self, Element};

// ---- names --------------------------------------------------------------------------------

/// `message_id` → `MessageId`.
pub(crate) fn pascal(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for part in snake.split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// `MessageId` → `message_id`.
pub(crate) fn snake(pascal: &str) -> String {
    let mut out = String::with_capacity(pascal.len() + 4);
    for (i, c) in pascal.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

// ---- writing ------------------------------------------------------------------------------

/// Why a value could not be written.
#[derive(Debug)]
pub(crate) struct WriteError(String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl From<WriteError> for EncodeError {
    fn from(error: WriteError) -> Self {
        EncodeError::unrepresentable("", error.0)
    }
}

/// Write `value` as the element `name` in payglot's namespace (declared on it).
pub(crate) fn to_xml<T: Serialize>(name: &str, value: &T) -> Result<String, WriteError> {
    let mut out = String::with_capacity(1024);
    value.serialize(ElementWriter { out: &mut out, name, root: true })?;
    Ok(out)
}

struct ElementWriter<'a> {
    out: &'a mut String,
    name: &'a str,
    root: bool,
}

impl ElementWriter<'_> {
    fn open(&mut self) {
        self.out.push('<');
        self.out.push_str(self.name);
        if self.root {
            self.out.push_str(" xmlns=\"");
            self.out.push_str(NS_PAYGLOT);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn close(&mut self) {
        self.out.push_str("</");
        self.out.push_str(self.name);
        self.out.push('>');
    }

    fn leaf(mut self, text: &str) -> Result<(), WriteError> {
        self.open();
        xml::escape_text(text, self.out);
        self.close();
        Ok(())
    }
}

macro_rules! leaf_display {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<(), WriteError> { self.leaf(&v.to_string()) })*
    };
}

impl<'a> ser::Serializer for ElementWriter<'a> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = SeqWriter<'a>;
    type SerializeTuple = ser::Impossible<(), WriteError>;
    type SerializeTupleStruct = ser::Impossible<(), WriteError>;
    type SerializeTupleVariant = ser::Impossible<(), WriteError>;
    type SerializeMap = MapWriter<'a>;
    type SerializeStruct = StructWriter<'a>;
    type SerializeStructVariant = StructWriter<'a>;

    leaf_display!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_char: char);

    fn serialize_f32(self, _v: f32) -> Result<(), WriteError> {
        Err(WriteError("floating-point values are not written".to_owned()))
    }
    fn serialize_f64(self, _v: f64) -> Result<(), WriteError> {
        Err(WriteError("floating-point values are not written".to_owned()))
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.leaf(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), WriteError> {
        Err(WriteError("bytes are not written".to_owned()))
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_unit(mut self) -> Result<(), WriteError> {
        self.open();
        self.close();
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> Result<(), WriteError> {
        self.leaf(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _n: &'static str, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        mut self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        self.open();
        let name = pascal(variant);
        value.serialize(ElementWriter { out: self.out, name: &name, root: false })?;
        self.close();
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqWriter<'a>, WriteError> {
        Ok(SeqWriter { out: self.out, name: self.name })
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, WriteError> {
        Err(WriteError("tuples are not written".to_owned()))
    }
    fn serialize_tuple_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeTupleStruct, WriteError> {
        Err(WriteError("tuples are not written".to_owned()))
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _l: usize,
    ) -> Result<Self::SerializeTupleVariant, WriteError> {
        Err(WriteError("tuples are not written".to_owned()))
    }
    fn serialize_map(mut self, _len: Option<usize>) -> Result<MapWriter<'a>, WriteError> {
        self.open();
        Ok(MapWriter { out: self.out, name: self.name, key: None })
    }
    fn serialize_struct(mut self, _n: &'static str, _l: usize) -> Result<StructWriter<'a>, WriteError> {
        self.open();
        Ok(StructWriter { out: self.out, closing: vec![self.name.to_owned()] })
    }
    fn serialize_struct_variant(
        mut self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        _l: usize,
    ) -> Result<StructWriter<'a>, WriteError> {
        self.open();
        let variant = pascal(variant);
        self.out.push('<');
        self.out.push_str(&variant);
        self.out.push('>');
        Ok(StructWriter { out: self.out, closing: vec![variant, self.name.to_owned()] })
    }
}

pub(crate) struct SeqWriter<'a> {
    out: &'a mut String,
    name: &'a str,
}

impl ser::SerializeSeq for SeqWriter<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), WriteError> {
        value.serialize(ElementWriter { out: self.out, name: self.name, root: false })
    }
    fn end(self) -> Result<(), WriteError> {
        Ok(())
    }
}

pub(crate) struct StructWriter<'a> {
    out: &'a mut String,
    closing: Vec<String>,
}

impl StructWriter<'_> {
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), WriteError> {
        let name = pascal(key);
        value.serialize(ElementWriter { out: self.out, name: &name, root: false })
    }
    fn finish(self) -> Result<(), WriteError> {
        for name in &self.closing {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        Ok(())
    }
}

impl ser::SerializeStruct for StructWriter<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), WriteError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for StructWriter<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), WriteError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.finish()
    }
}

pub(crate) struct MapWriter<'a> {
    out: &'a mut String,
    name: &'a str,
    key: Option<String>,
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), WriteError> {
        self.key = Some(text_of(key)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), WriteError> {
        let key = self.key.take().ok_or_else(|| WriteError("map value without key".to_owned()))?;
        self.out.push_str("<Entry Key=\"");
        xml::escape_attr(&key, self.out);
        self.out.push_str("\">");
        xml::escape_text(&text_of(value)?, self.out);
        self.out.push_str("</Entry>");
        Ok(())
    }
    fn end(self) -> Result<(), WriteError> {
        self.out.push_str("</");
        self.out.push_str(self.name);
        self.out.push('>');
        Ok(())
    }
}

/// The text of a scalar value (map keys and values).
fn text_of<T: ?Sized + Serialize>(value: &T) -> Result<String, WriteError> {
    let mut out = String::new();
    value.serialize(ElementWriter { out: &mut out, name: "v", root: false })?;
    // `<v>text</v>`: unwrap and unescape what escape_text wrote.
    let inner = out
        .strip_prefix("<v>")
        .and_then(|s| s.strip_suffix("</v>"))
        .ok_or_else(|| WriteError("map keys and values must be text".to_owned()))?;
    Ok(inner.replace("&#13;", "\r").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
}

// ---- reading ------------------------------------------------------------------------------

/// Why a body could not be read, and where (the deepest path known).
#[derive(Debug)]
pub(crate) struct ReadError {
    message: String,
    path: Option<String>,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self { message: msg.to_string(), path: None }
    }
}

impl ReadError {
    fn at(message: impl Into<String>, path: &str) -> Self {
        Self { message: message.into(), path: Some(path.to_owned()) }
    }

    fn within(mut self, path: &str) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_owned());
        }
        self
    }

    pub(crate) fn into_decode_error(self, prefix: &str) -> DecodeError {
        DecodeError::invalid(Location::path(format!("{prefix}{}", self.path.unwrap_or_default())), self.message)
    }
}

/// Read `element` (in payglot's namespace) as a `T`.
pub(crate) fn from_element<T: de::DeserializeOwned>(element: &Element, path: &str) -> Result<T, ReadError> {
    T::deserialize(NodeReader { element, path: path.to_owned() }).map_err(|e| e.within(path))
}

struct NodeReader<'a> {
    element: &'a Element,
    path: String,
}

impl<'a> NodeReader<'a> {
    fn text(&self) -> Result<&'a str, ReadError> {
        if let Some(child) = self.element.children.first() {
            return Err(ReadError::at(format!("unexpected element `{}` in a text field", child.local), &self.path));
        }
        self.check_no_attributes()?;
        Ok(&self.element.text)
    }

    fn check_no_attributes(&self) -> Result<(), ReadError> {
        match self.element.attrs.first() {
            Some(attr) if self.element.local != "Entry" => {
                Err(ReadError::at(format!("unexpected attribute `{}`", attr.local), &self.path))
            }
            _ => Ok(()),
        }
    }

    /// Children grouped by name in order of first appearance, each checked to be in our namespace.
    fn fields(&self) -> Result<Vec<(String, Vec<&'a Element>)>, ReadError> {
        if !self.element.text_is_blank() {
            return Err(ReadError::at("unexpected text between elements", &self.path));
        }
        self.check_no_attributes()?;
        let mut groups: Vec<(String, Vec<&'a Element>)> = Vec::new();
        for child in &self.element.children {
            if child.ns.as_deref() != Some(NS_PAYGLOT) {
                return Err(ReadError::at(
                    format!("unknown field `{}`: element not in namespace {NS_PAYGLOT}", child.display_name()),
                    &self.path,
                ));
            }
            match groups.iter_mut().find(|(name, _)| *name == child.local) {
                Some((_, nodes)) => nodes.push(child),
                None => groups.push((child.local.clone(), vec![child])),
            }
        }
        Ok(groups)
    }
}

macro_rules! parse_number {
    ($($method:ident => $visit:ident: $ty:ty),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
            let text = self.text()?.trim();
            let value: $ty = text.parse().map_err(|_| ReadError::at(format!("{text:?} is not a valid number"), &self.path))?;
            visitor.$visit(value)
        })*
    };
}

impl<'de, 'a> de::Deserializer<'de> for NodeReader<'a> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if self.element.children.is_empty() { self.deserialize_string(visitor) } else { self.deserialize_map(visitor) }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.text()?.trim() {
            "true" | "1" => visitor.visit_bool(true),
            "false" | "0" => visitor.visit_bool(false),
            other => Err(ReadError::at(format!("{other:?} is not a boolean"), &self.path)),
        }
    }

    parse_number!(deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32, deserialize_u64 => visit_u64: u64);

    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ReadError> {
        Err(ReadError::at("floating-point values are not read", &self.path))
    }
    fn deserialize_f64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ReadError> {
        Err(ReadError::at("floating-point values are not read", &self.path))
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_string(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_string(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let path = self.path.clone();
        visitor.visit_string(self.text()?.to_owned()).map_err(|e: ReadError| e.within(&path))
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ReadError> {
        Err(ReadError::at("bytes are not read", &self.path))
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, ReadError> {
        Err(ReadError::at("bytes are not read", &self.path))
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_some(self)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(self, _n: &'static str, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _n: &'static str, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        // A lone element read as a sequence is a sequence of one.
        FieldReader { nodes: vec![self.element], path: self.path }.deserialize_seq(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, ReadError> {
        Err(ReadError::at("tuples are not read", &self.path))
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _n: &'static str,
        _l: usize,
        _visitor: V,
    ) -> Result<V::Value, ReadError> {
        Err(ReadError::at("tuples are not read", &self.path))
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        if !self.element.text_is_blank() {
            return Err(ReadError::at("unexpected text between elements", &self.path));
        }
        self.check_no_attributes()?;
        let mut entries = Vec::new();
        for child in &self.element.children {
            if !(child.ns.as_deref() == Some(NS_PAYGLOT) && child.local == "Entry") {
                return Err(ReadError::at(format!("unknown field `{}`: expected Entry", child.local), &self.path));
            }
            let key =
                child.attr(None, "Key").ok_or_else(|| ReadError::at("Entry without a Key attribute", &self.path))?;
            if child.attrs.len() != 1 {
                return Err(ReadError::at("Entry has attributes other than Key", &self.path));
            }
            entries.push((key, child));
        }
        visitor.visit_map(EntryAccess { entries: entries.into_iter(), value: None, path: self.path })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _n: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        let groups = self.fields()?;
        visitor.visit_map(FieldAccess { groups: groups.into_iter(), value: None, path: self.path })
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _n: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self.element.children.as_slice() {
            [] => {
                let text = self.text()?.to_owned();
                visitor.visit_enum(text.into_deserializer())
            }
            [only] => {
                if !self.element.text_is_blank() {
                    return Err(ReadError::at("unexpected text between elements", &self.path));
                }
                self.check_no_attributes()?;
                if only.ns.as_deref() != Some(NS_PAYGLOT) {
                    return Err(ReadError::at(
                        format!("unknown variant `{}`: element not in namespace {NS_PAYGLOT}", only.display_name()),
                        &self.path,
                    ));
                }
                let path = format!("{}/{}", self.path, only.local);
                visitor.visit_enum(VariantReader { element: only, path })
            }
            [_, second, ..] => {
                Err(ReadError::at(format!("a choice holds one element; found another, `{}`", second.local), &self.path))
            }
        }
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        self.deserialize_string(visitor)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_unit()
    }
}

/// The value of one struct field: the elements of that name (one, or several for a sequence).
struct FieldReader<'a> {
    nodes: Vec<&'a Element>,
    path: String,
}

impl<'a> FieldReader<'a> {
    fn single(self) -> Result<NodeReader<'a>, ReadError> {
        match self.nodes.as_slice() {
            [only] => Ok(NodeReader { element: only, path: self.path }),
            [first, ..] => Err(ReadError::at(format!("duplicate field `{}`", snake(&first.local)), &self.path)),
            [] => Err(ReadError::at("missing value", &self.path)),
        }
    }
}

macro_rules! forward_single {
    ($($method:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> { self.single()?.$method(visitor) })*
    };
}

impl<'de> de::Deserializer<'de> for FieldReader<'_> {
    type Error = ReadError;

    forward_single!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(self, n: &'static str, visitor: V) -> Result<V::Value, ReadError> {
        self.single()?.deserialize_unit_struct(n, visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, n: &'static str, visitor: V) -> Result<V::Value, ReadError> {
        // A newtype around a sequence must see all the nodes.
        if self.nodes.len() > 1 {
            return visitor.visit_newtype_struct(self);
        }
        self.single()?.deserialize_newtype_struct(n, visitor)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let path = self.path;
        visitor.visit_seq(NodeSeq { nodes: self.nodes.into_iter().enumerate(), path })
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, ReadError> {
        self.single()?.deserialize_tuple(len, visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        n: &'static str,
        l: usize,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        self.single()?.deserialize_tuple_struct(n, l, visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        n: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        self.single()?.deserialize_struct(n, fields, visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        n: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        self.single()?.deserialize_enum(n, variants, visitor)
    }
}

struct NodeSeq<'a, I: Iterator<Item = (usize, &'a Element)>> {
    nodes: I,
    path: String,
}

impl<'de, 'a, I: Iterator<Item = (usize, &'a Element)>> SeqAccess<'de> for NodeSeq<'a, I> {
    type Error = ReadError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, ReadError> {
        match self.nodes.next() {
            Some((index, element)) => {
                let path = format!("{}[{}]", self.path, index + 1);
                seed.deserialize(NodeReader { element, path: path.clone() }).map(Some).map_err(|e| e.within(&path))
            }
            None => Ok(None),
        }
    }
}

struct FieldAccess<'a, I: Iterator<Item = (String, Vec<&'a Element>)>> {
    groups: I,
    value: Option<(String, Vec<&'a Element>)>,
    path: String,
}

impl<'de, 'a, I: Iterator<Item = (String, Vec<&'a Element>)>> MapAccess<'de> for FieldAccess<'a, I> {
    type Error = ReadError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        match self.groups.next() {
            Some((name, nodes)) => {
                let key = snake(&name);
                let path = format!("{}/{name}", self.path);
                self.value = Some((path.clone(), nodes));
                seed.deserialize(key.into_deserializer()).map(Some).map_err(|e: ReadError| e.within(&path))
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let (path, nodes) = self.value.take().ok_or_else(|| ReadError::at("value without a field", &self.path))?;
        seed.deserialize(FieldReader { nodes, path: path.clone() }).map_err(|e| e.within(&path))
    }
}

struct EntryAccess<'a, I: Iterator<Item = (&'a str, &'a Element)>> {
    entries: I,
    value: Option<&'a Element>,
    path: String,
}

impl<'de, 'a, I: Iterator<Item = (&'a str, &'a Element)>> MapAccess<'de> for EntryAccess<'a, I> {
    type Error = ReadError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        match self.entries.next() {
            Some((key, element)) => {
                self.value = Some(element);
                seed.deserialize(key.to_owned().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let element = self.value.take().ok_or_else(|| ReadError::at("Entry value missing", &self.path))?;
        let path = format!("{}/Entry", self.path);
        seed.deserialize(NodeReader { element, path })
    }
}

struct VariantReader<'a> {
    element: &'a Element,
    path: String,
}

impl<'de, 'a> de::EnumAccess<'de> for VariantReader<'a> {
    type Error = ReadError;
    type Variant = NodeReader<'a>;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, NodeReader<'a>), ReadError> {
        let name = snake(&self.element.local);
        let value = seed.deserialize(name.into_deserializer()).map_err(|e: ReadError| e.within(&self.path))?;
        Ok((value, NodeReader { element: self.element, path: self.path }))
    }
}

impl<'de> de::VariantAccess<'de> for NodeReader<'_> {
    type Error = ReadError;
    fn unit_variant(self) -> Result<(), ReadError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, ReadError> {
        let path = self.path.clone();
        seed.deserialize(self).map_err(|e| e.within(&path))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, ReadError> {
        Err(ReadError::at("tuple variants are not read", &self.path))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert_both_ways() {
        for (s, p) in [("message_id", "MessageId"), ("any_bic", "AnyBic"), ("iban", "Iban"), ("date_time", "DateTime")]
        {
            assert_eq!(pascal(s), p);
            assert_eq!(snake(p), s);
        }
    }
}
