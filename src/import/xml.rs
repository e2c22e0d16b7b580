//! Small helpers over `quick-xml` events shared by the readers of a Word
//! package's parts (the document, its numbering and styles).

use quick_xml::events::BytesStart;

/// An attribute's value by local name.
pub(super) fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}
