//! A streaming walk over an XML file: each element's direct text and
//! attributes are handed over when it ends, so files of any size are read
//! in constant memory.

use crate::app::bulk::ImportError;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One open element.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    /// The line (from 1) the element starts on.
    pub line: u64,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether an element starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Start,
    End,
}

/// Walks the file, calling `f` with the open elements (the current one
/// last) at each start and end. A malformed or truncated file is an error
/// naming the line.
pub fn walk(
    path: &Path,
    mut f: impl FnMut(&[Element], Phase) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let file = File::open(path)
        .map_err(|e| ImportError::Io(format!("cannot open {}: {e}", path.display())))?;
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, file));
    let mut buf = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    // Every newline of the file is inside some event's bytes (text, tag,
    // CDATA, comment), so counting them event by event gives the line.
    let mut line = 1u64;
    let malformed = |reader: &Reader<BufReader<File>>, reason: String| ImportError::Malformed {
        line: line_of(path, reader.error_position().max(reader.buffer_position())),
        reason,
    };
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            let mut reason = e.to_string();
            if reason.contains("end of input") {
                reason.push_str(": the file looks cut short");
            }
            malformed(&reader, reason)
        })?;
        let starts_on = line;
        line += newlines(&event);
        match event {
            Event::Start(e) => {
                let mut el = element(&e).map_err(|m| malformed(&reader, m))?;
                el.line = starts_on;
                stack.push(el);
                f(&stack, Phase::Start)?;
            }
            Event::Empty(e) => {
                let mut el = element(&e).map_err(|m| malformed(&reader, m))?;
                el.line = starts_on;
                stack.push(el);
                f(&stack, Phase::Start)?;
                f(&stack, Phase::End)?;
                stack.pop();
            }
            Event::End(_) => {
                f(&stack, Phase::End)?;
                stack.pop();
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = entity(&r).map_err(|m| malformed(&reader, m))?;
                push_text(&mut stack, &resolved);
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(malformed(
                        &reader,
                        format!("the file ends inside <{}>: it looks cut short", open.name),
                    ));
                }
                return Ok(());
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// Adds text to the element it is directly inside.
fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
}

/// What a character or predefined entity reference stands for.
fn entity(r: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    match r.resolve_char_ref().map_err(|e| e.to_string())? {
        Some(c) => Ok(c.to_string()),
        None => quick_xml::escape::resolve_predefined_entity(r)
            .map(str::to_string)
            .ok_or_else(|| format!("unknown entity &{};", &**r)),
    }
}

fn newlines(event: &Event<'_>) -> u64 {
    let bytes: &[u8] = match event {
        Event::Start(e) | Event::Empty(e) => e.as_bytes(),
        Event::End(e) => e.as_bytes(),
        Event::Text(e) => e.as_bytes(),
        Event::CData(e) => e.as_bytes(),
        Event::Comment(e) => e.as_bytes(),
        Event::Decl(e) => e.as_bytes(),
        Event::PI(e) => e.as_bytes(),
        Event::DocType(e) => e.as_bytes(),
        Event::GeneralRef(e) => e.as_bytes(),
        Event::Eof => &[],
    };
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// An element's name and attributes, entities resolved.
fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let mut el = Element {
        name: e.name().as_ref().to_string(),
        ..Default::default()
    };
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        el.attrs
            .push((a.key.as_ref().to_string(), value.into_owned()));
    }
    Ok(el)
}

/// The line (from 1) of a byte offset in the file.
fn line_of(path: &Path, offset: u64) -> u64 {
    let Ok(file) = File::open(path) else {
        return 0;
    };
    let mut reader = BufReader::new(file.take(offset));
    let mut line = 1;
    let mut chunk = Vec::new();
    while let Ok(n) = reader.read_until(b'\n', &mut chunk) {
        if n == 0 {
            break;
        }
        if chunk.ends_with(b"\n") {
            line += 1;
        }
        chunk.clear();
    }
    line
}
