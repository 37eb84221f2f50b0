//! Stage 1 (parse): XSD bytes → a small element tree with namespace scopes. No I/O.
use crate::Error;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The XML Schema namespace.
pub const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// One element of the schema document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Namespace URI of the element (empty if none).
    pub ns: String,
    /// Local name.
    pub name: String,
    /// Attributes (qualified name as written, unescaped value), in document order.
    pub attrs: Vec<(String, String)>,
    /// Namespace bindings in scope: (prefix, uri); prefix "" is the default namespace.
    pub scope: Vec<(String, String)>,
    /// Child elements.
    pub children: Vec<Node>,
}

impl Node {
    /// Attribute value by (unprefixed) name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// `true` if this is `xs:<name>`.
    pub fn is_xs(&self, name: &str) -> bool {
        self.ns == XS_NS && self.name == name
    }

    /// Children in the XSD namespace, skipping annotations.
    pub fn xs_children(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter(|c| c.ns == XS_NS && c.name != "annotation")
    }

    /// Resolve a QName-valued attribute to (namespace uri, local name).
    pub fn resolve_qname(&self, qname: &str) -> (String, String) {
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", qname),
        };
        let uri = self.scope.iter().rev().find(|(p, _)| p == prefix).map(|(_, u)| u.clone()).unwrap_or_default();
        (uri, local.to_string())
    }
}

/// Parse an XSD document into its root [`Node`].
pub fn parse(bytes: &[u8]) -> Result<Node, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::new(format!("XSD is not UTF-8: {e}")))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Node> = Vec::new();
    loop {
        let (res, ev) = reader.read_resolved_event().map_err(|e| Error::new(format!("XSD is not well-formed: {e}")))?;
        let ns = match res {
            ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
            _ => String::new(),
        };
        match ev {
            Event::Start(e) => {
                let mut scope = stack.last().map(|n| n.scope.clone()).unwrap_or_default();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| Error::new(format!("bad attribute in XSD: {e}")))?;
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .unescape_value()
                        .map_err(|e| Error::new(format!("bad attribute value in XSD: {e}")))?
                        .into_owned();
                    if key == "xmlns" {
                        scope.push((String::new(), value));
                    } else if let Some(p) = key.strip_prefix("xmlns:") {
                        scope.push((p.to_string(), value));
                    } else {
                        attrs.push((key, value));
                    }
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push(Node { ns, name, attrs, scope, children: Vec::new() });
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| Error::new("unbalanced XSD"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Ok(node),
                }
            }
            Event::Eof => return Err(Error::new("XSD ended before its root element closed")),
            Event::DocType(_) => return Err(Error::new("DOCTYPE in XSD is not supported")),
            _ => {}
        }
    }
}
