//! The layers of ARCHITECTURE.md, checked by reading `src/`: which module
//! may name which, no import cycle, and files and functions small enough to
//! read. A rule broken here names the file and line to change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One source file: its module path (`["app", "post"]`) and its lines with
/// comments taken out.
struct Source {
    file: String,
    module: Vec<String>,
    lines: Vec<String>,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("src/ is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files.iter().map(|p| read_source(&root, p)).collect()
}

fn read_source(root: &Path, path: &PathBuf) -> Source {
    let relative = path.strip_prefix(root).expect("under src/");
    let mut module: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if module.last().is_some_and(|m| m == "mod") || module == ["lib"] || module == ["main"] {
        module.pop();
    }
    let text = std::fs::read_to_string(path).expect("a source file");
    let lines = text
        .lines()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => l[..at].to_string(),
            _ => l.to_string(),
        })
        .collect();
    Source {
        file: format!("src/{}", relative.display()),
        module,
        lines,
    }
}

/// Expands a use tree such as `crate::{app::App, store::{self, Db}}` into
/// its paths. The trees are this crate's own source, a few levels deep.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.trim_end_matches("::self").to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| {
            expand(p)
                .into_iter()
                .map(|rest| match rest.as_str() {
                    "self" => prefix.trim_end_matches("::").to_string(),
                    _ => format!("{prefix}{rest}"),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every `crate::…` and `super::…` path a file names, as module paths from
/// the crate root, with the line it is on.
fn references(s: &Source) -> Vec<(usize, Vec<String>)> {
    let text = s.lines.join("\n");
    let mut found = Vec::new();
    let mut scan = |marker: &str, base: Vec<String>| {
        let mut from = 0;
        while let Some(at) = text[from..].find(marker) {
            let start = from + at;
            from = start + marker.len();
            let before = text[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut end = from;
            let mut depth = 0;
            for (i, c) in text[from..].char_indices() {
                end = from + i;
                match c {
                    '{' => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => break,
                    _ => {}
                }
            }
            let line = text[..start].matches('\n').count() + 1;
            for path in expand(&text[from..end]) {
                let mut full = base.clone();
                full.extend(
                    path.split("::")
                        .filter(|p| !p.is_empty())
                        .map(str::to_string),
                );
                found.push((line, full));
            }
        }
    };
    scan("crate::", Vec::new());
    let parent = &s.module[..s.module.len().saturating_sub(1)];
    scan("super::", parent.to_vec());
    found
}

fn names(s: &Source, word: &str) -> Vec<usize> {
    s.lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.match_indices(word).any(|(at, _)| {
                let before = l[..at].chars().last();
                let after = l[at + word.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn each_layer_names_only_what_it_may() {
    let mut broken = Vec::new();
    for s in sources() {
        let top = s.module.first().cloned().unwrap_or_default();
        if top != "http" {
            for line in names(&s, "warp") {
                broken.push(format!("{}:{line} names warp (only src/http/ may)", s.file));
            }
        }
        if top != "store" {
            for line in names(&s, "rusqlite") {
                broken.push(format!(
                    "{}:{line} names rusqlite (only src/store/ may)",
                    s.file
                ));
            }
        }
        for (i, l) in s.lines.iter().enumerate() {
            if l.contains("pub use rusqlite") {
                broken.push(format!("{}:{} re-exports rusqlite", s.file, i + 1));
            }
        }
        let forbidden: &[&str] = match top.as_str() {
            "domain" => &["app", "store", "http", "notify", "import", "cli", "config"],
            "notify" => &["app", "http", "cli", "import"],
            "cli" | "import" => &["store", "http"],
            "app" => &["http", "cli", "import"],
            "http" | "demo" => &["store", "cli", "import"],
            "store" => &["app", "http", "cli", "import", "notify"],
            "render" => &["app", "store", "http", "notify", "import", "cli", "domain"],
            _ => &[],
        };
        for (line, path) in references(&s) {
            if let Some(first) = path.first().filter(|f| forbidden.contains(&f.as_str())) {
                broken.push(format!(
                    "{}:{line} imports {first} (see ARCHITECTURE.md)",
                    s.file
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
}

/// The edges between the children of `folder` (top-level modules for the
/// crate root): `a → b` when a file in `a` names something in `b`.
fn edges(all: &[Source], folder: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let depth = folder.len();
    for s in all {
        if s.module.len() <= depth || !s.module.starts_with(folder) {
            continue;
        }
        let from = &s.module[depth];
        for (_, path) in references(s) {
            if path.len() > depth && path.starts_with(folder) && &path[depth] != from {
                let to = &path[depth];
                let is_module = all
                    .iter()
                    .any(|o| o.module.len() > depth && o.module.starts_with(&path[..=depth]));
                if is_module {
                    graph.entry(from.clone()).or_default().insert(to.clone());
                }
            }
        }
    }
    graph
}

/// The cycles through each module of the graph (one per module), found
/// without recursion.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    graph
        .keys()
        .filter_map(|start| cycle_from(graph, start))
        .collect()
}

fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &String) -> Option<Vec<String>> {
    {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if next == start {
                    // The same cycle from each of its modules: start at the least.
                    let least = (0..trail.len()).min_by_key(|&i| &trail[i]).unwrap_or(0);
                    let mut found = [&trail[least..], &trail[..least]].concat();
                    found.push(found[0].clone());
                    return Some(found);
                }
                if seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let all = sources();
    let folders: BTreeSet<Vec<String>> = all
        .iter()
        .flat_map(|s| (0..s.module.len()).map(|n| s.module[..n].to_vec()))
        .collect();
    let mut broken = Vec::new();
    for folder in folders {
        let at = match folder.is_empty() {
            true => "src/".to_string(),
            false => format!("src/{}/", folder.join("/")),
        };
        for found in cycles(&edges(&all, &folder)) {
            broken.push(format!("in {at}: {}", found.join(" → ")));
        }
    }
    assert!(broken.is_empty(), "import cycles:\n{}", broken.join("\n"));
}

#[test]
fn files_stay_small_enough_to_read() {
    let all = sources();
    let mut sizes: Vec<(usize, &str)> = all.iter().map(|s| (s.lines.len(), &*s.file)).collect();
    sizes.sort();
    let big: Vec<String> = sizes
        .iter()
        .filter(|(n, _)| *n > 400)
        .map(|(n, f)| format!("{f}: {n} lines"))
        .collect();
    assert!(big.is_empty(), "files over 400 lines:\n{}", big.join("\n"));
    let median = sizes[sizes.len() / 2].0;
    assert!(
        median <= 150,
        "the median file has {median} lines; split by feature"
    );
}

#[test]
fn no_function_runs_over_80_lines() {
    let mut long = Vec::new();
    for s in sources() {
        for (i, line) in s.lines.iter().enumerate() {
            let code = line.trim_start();
            let indent = &line[..line.len() - code.len()];
            let signature = ["fn ", "pub fn ", "async fn ", "pub async fn ", "const fn "]
                .iter()
                .any(|p| code.starts_with(p))
                || code.starts_with("pub(") && code.contains(" fn ");
            if !signature {
                continue;
            }
            let Some(open) = (i..s.lines.len()).find(|&j| {
                let t = s.lines[j].trim_end();
                t.ends_with('{') || t.ends_with(';')
            }) else {
                continue;
            };
            if s.lines[open].trim_end().ends_with(';') {
                continue;
            }
            let close = format!("{indent}}}");
            if let Some(end) = (open + 1..s.lines.len()).find(|&j| s.lines[j] == close) {
                let length = end - i + 1;
                if length > 80 {
                    long.push(format!("{}:{}: {length} lines", s.file, i + 1));
                }
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over 80 lines:\n{}",
        long.join("\n")
    );
}
