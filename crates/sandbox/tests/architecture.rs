//! The architecture, checked, by reading the source with `syn` (whole files; only items marked
//! `#[cfg(test)]` are left out, wherever they sit):
//!
//! - inside `crates/sandbox/src` and `crates/errors/src` no module imports, directly or through
//!   others, a module that imports it back;
//! - the sandbox's modules import only along [`SANDBOX_LAYERS`], the order ARCHITECTURE.md draws;
//! - no crate but the catalog writes an error code or subcode as a number.
//!
//! A path counts wherever it is written: `use` trees (groups and aliases resolved), paths in
//! code, and `crate::`/`super::` paths inside macro calls (`format!`, `json!`), which `syn` keeps
//! as tokens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

type Module = Vec<String>;
type Graph = BTreeMap<Module, BTreeSet<Module>>;

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's module path within its crate (`src/graph/mod.rs` -> `["graph"]`).
fn module_path(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Module = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        syn::Meta::List(l) => l.path.is_ident("cfg") && l.tokens.to_string() == "test",
        _ => false,
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    use syn::Item::*;
    match item {
        Const(i) => &i.attrs,
        Enum(i) => &i.attrs,
        ExternCrate(i) => &i.attrs,
        Fn(i) => &i.attrs,
        ForeignMod(i) => &i.attrs,
        Impl(i) => &i.attrs,
        Macro(i) => &i.attrs,
        Mod(i) => &i.attrs,
        Static(i) => &i.attrs,
        Struct(i) => &i.attrs,
        Trait(i) => &i.attrs,
        TraitAlias(i) => &i.attrs,
        Type(i) => &i.attrs,
        Union(i) => &i.attrs,
        Use(i) => &i.attrs,
        _ => &[],
    }
}

fn impl_item_attrs(item: &syn::ImplItem) -> &[syn::Attribute] {
    match item {
        syn::ImplItem::Const(i) => &i.attrs,
        syn::ImplItem::Fn(i) => &i.attrs,
        syn::ImplItem::Type(i) => &i.attrs,
        syn::ImplItem::Macro(i) => &i.attrs,
        _ => &[],
    }
}

/// What one file refers to: every path written in it, `use` imports by the name they bind, and
/// its integer literals.
#[derive(Default)]
struct Scan {
    paths: Vec<Vec<String>>,
    /// `use a::b::c as d;` binds `d` to `[a, b, c]`.
    imports: BTreeMap<String, Vec<String>>,
    ints: Vec<i64>,
}

impl Scan {
    fn of(text: &str) -> Result<Scan, syn::Error> {
        let file = syn::parse_file(text)?;
        let mut scan = Scan::default();
        scan.visit_file(&file);
        Ok(scan)
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name.clone());
                }
                let bound = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    name
                };
                self.imports.insert(bound, full.clone());
                self.paths.push(full);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.imports.insert(r.rename.to_string(), full.clone());
                self.paths.push(full);
            }
            syn::UseTree::Glob(_) => self.paths.push(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }

    /// `a::b::c` paths and integer literals inside a macro call's tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let mut chain: Vec<String> = Vec::new();
        let mut colons = 0;
        let flush = |chain: &mut Vec<String>, paths: &mut Vec<Vec<String>>| {
            if chain.len() > 1 {
                paths.push(std::mem::take(chain));
            }
            chain.clear();
        };
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => {
                    if colons != 2 {
                        flush(&mut chain, &mut self.paths);
                    }
                    chain.push(i.to_string());
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' && !chain.is_empty() => colons += 1,
                TokenTree::Group(g) => {
                    flush(&mut chain, &mut self.paths);
                    colons = 0;
                    self.tokens(g.stream());
                }
                TokenTree::Literal(l) => {
                    flush(&mut chain, &mut self.paths);
                    colons = 0;
                    if let Ok(lit) = syn::parse_str::<syn::LitInt>(&l.to_string()) {
                        self.lit_int(&lit);
                    }
                }
                TokenTree::Punct(_) => {
                    flush(&mut chain, &mut self.paths);
                    colons = 0;
                }
            }
        }
        flush(&mut chain, &mut self.paths);
    }

    fn lit_int(&mut self, lit: &syn::LitInt) {
        // Decimal only: `0x68` is a byte, not code 104.
        if ["0x", "0o", "0b"]
            .iter()
            .any(|p| lit.to_string().starts_with(p))
        {
            return;
        }
        if let Ok(n) = lit.base10_parse::<i64>() {
            self.ints.push(n);
        }
    }
}

impl<'ast> Visit<'ast> for Scan {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_test_only(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if !is_test_only(impl_item_attrs(item)) {
            syn::visit::visit_impl_item(self, item);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.paths
            .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(m.tokens.clone());
    }

    fn visit_lit_int(&mut self, lit: &'ast syn::LitInt) {
        self.lit_int(lit);
    }
}

/// File-level import graph of one crate: module path -> module paths it refers to.
fn import_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let sources: Vec<(Module, String)> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            (module_path(src, f), text)
        })
        .collect();
    let mut graph = Graph::new();
    for (me, text) in &sources {
        let scan = Scan::of(text).unwrap_or_else(|e| panic!("{me:?} does not parse: {e}"));
        graph.insert(me.clone(), edges(me, &scan, graph_modules(&sources)));
    }
    graph
}

fn graph_modules(sources: &[(Module, String)]) -> BTreeSet<Module> {
    sources.iter().map(|(m, _)| m.clone()).collect()
}

/// The modules of the crate that `scan`'s paths name, from module `me`.
fn edges(me: &Module, scan: &Scan, modules: BTreeSet<Module>) -> BTreeSet<Module> {
    let children: Vec<&String> = modules
        .iter()
        .filter(|m| m.len() == me.len() + 1 && m.starts_with(me))
        .filter_map(|m| m.last())
        .collect();
    let absolute = |chain: &[String]| -> Option<Module> {
        let first = chain.first()?.as_str();
        let rest = || chain[1..].to_vec();
        match first {
            "crate" => Some(rest()),
            "self" => Some([me.clone(), rest()].concat()),
            "super" => {
                let mut base = me.clone();
                let mut rest = chain;
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop();
                    rest = &rest[1..];
                }
                Some([base, rest.to_vec()].concat())
            }
            _ if children.iter().any(|c| c.as_str() == first) => {
                Some([me.clone(), chain.to_vec()].concat())
            }
            _ => None,
        }
    };
    let mut out = BTreeSet::new();
    // One-segment paths name a local item or an imported one (whose `use` is a path itself).
    for chain in scan.paths.iter().filter(|c| c.len() > 1) {
        // A path that starts with a name a `use` bound continues that import's path.
        let full = match chain.first().and_then(|f| scan.imports.get(f)) {
            Some(import) if chain.len() > 1 => [import.clone(), chain[1..].to_vec()].concat(),
            _ => chain.clone(),
        };
        let Some(mut target) = absolute(&full) else {
            continue;
        };
        // The longest prefix that is a file of the crate.
        while !target.is_empty() && !modules.contains(&target) {
            target.pop();
        }
        if &target != me && !target.is_empty() {
            out.insert(target);
        }
    }
    out
}

/// A cycle in the graph, as a list of modules, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &Module,
        graph: &Graph,
        state: &mut BTreeMap<Module, u8>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<String>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|x| x == m).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[from..].iter().map(name).collect();
                    cycle.push(name(m));
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, graph, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn name(m: &Module) -> String {
    format!("crate::{}", m.join("::"))
}

/// The sandbox's layers, bottom first: a module imports modules of its own layer or below,
/// never above. A member is a module path (`control::stage`); a module belongs to the member
/// that is its longest prefix. In a layer marked `apart`, the members do not import each other
/// either (the surfaces share what lies below them, not each other's code). ARCHITECTURE.md
/// draws this order.
const SANDBOX_LAYERS: &[(&str, bool, &[&str])] = &[
    (
        "vocabulary",
        false,
        &["nesting", "runtime::clock", "config", "schemas"],
    ),
    ("store", false, &["store"]),
    (
        "runtime",
        false,
        &[
            "hosts",
            "versions",
            "route",
            "error",
            "identity::credentials",
            "params",
            "runtime",
            "guard",
        ],
    ),
    ("pipeline", false, &["pipeline", "webhooks"]),
    ("state", false, &["app", "identity::principal"]),
    (
        "operations",
        false,
        &[
            "control::stage",
            "identity::grants",
            "webhooks::worker",
            "webhooks::control",
        ],
    ),
    (
        "surfaces",
        true,
        &[
            "graph",
            "upload",
            "cdn",
            "identity::login",
            "control",
            "dashboard",
        ],
    ),
    ("server", false, &["refusals", "server"]),
    ("crate", false, &["", "identity"]),
];

/// The layer of a module, and the member of that layer it falls under.
fn layer_of(layers: &[(&str, bool, &[&str])], m: &Module) -> Option<(usize, String)> {
    let path = m.join("::");
    let under = |member: &str| {
        member.is_empty() && path.is_empty()
            || path == member
            || path.starts_with(&format!("{member}::"))
    };
    layers
        .iter()
        .enumerate()
        .flat_map(|(i, (_, _, members))| members.iter().map(move |x| (i, *x)))
        .filter(|(_, x)| under(x))
        .max_by_key(|(_, x)| x.len())
        .map(|(i, x)| (i, x.to_owned()))
}

/// Every import against the layer order, as "from -> to (why)".
fn layer_violations(graph: &Graph, layers: &[(&str, bool, &[&str])]) -> Vec<String> {
    let mut out = Vec::new();
    for (from, tos) in graph {
        let Some((lf, ef)) = layer_of(layers, from) else {
            out.push(format!("{} is in no layer", name(from)));
            continue;
        };
        for to in tos {
            let Some((lt, et)) = layer_of(layers, to) else {
                continue;
            };
            if lt > lf {
                out.push(format!(
                    "{} -> {} ({} imports {}, a layer above it)",
                    name(from),
                    name(to),
                    layers[lf].0,
                    layers[lt].0
                ));
            } else if lt == lf && layers[lf].1 && ef != et {
                out.push(format!(
                    "{} -> {} ({ef} and {et} are kept apart)",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    out
}

#[test]
fn sandbox_and_catalog_modules_import_one_way() {
    for krate in ["sandbox", "errors"] {
        let src = crates_dir().join(krate).join("src");
        let graph = import_graph(&src);
        assert!(graph.len() > 5, "read {} modules of {krate}", graph.len());
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{krate}: modules import each other: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn sandbox_modules_import_only_downward_along_the_layers() {
    let graph = import_graph(&crates_dir().join("sandbox").join("src"));
    let bad = layer_violations(&graph, SANDBOX_LAYERS);
    assert!(
        bad.is_empty(),
        "imports against the layer order:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let m = |s: &str| vec![s.to_owned()];
    let mut g = Graph::new();
    g.insert(m("a"), [m("b")].into());
    g.insert(m("b"), [m("c")].into());
    g.insert(m("c"), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
    g.insert(m("c"), [m("a")].into());
    assert!(find_cycle(&g).is_some());
}

/// The scanner sees what the text-based check it replaced missed (at cf50a11,
/// `app -> faults -> route -> cdn -> app` ran through a path written inline below a mid-file
/// `#[cfg(test)]` item), and what it must: grouped and renamed imports, paths in macros.
#[test]
fn the_scanner_sees_inline_paths_after_test_items_and_inside_macros() {
    let files: &[(&str, &str)] = &[
        ("app", "use crate::faults::Faults; pub struct App(Faults);"),
        (
            "faults",
            "use crate::route::Endpoint; pub struct Faults(Endpoint);",
        ),
        (
            "route",
            "pub enum Endpoint { A }
             impl Endpoint { #[cfg(test)] pub fn spec() {} }
             pub const HOSTS: &[&str] = &[crate::cdn::HOST];",
        ),
        ("cdn", "use crate::app::App; pub const HOST: &str = \"x\";"),
        (
            "view",
            "use crate::{store as db, graph::{self}};
             fn f() { let _ = format!(\"{}\", crate::usage::LIMIT); db::x(); graph::y(); }
             #[cfg(test)] mod tests { use crate::server; }",
        ),
        ("store", ""),
        ("graph", ""),
        ("usage", ""),
        ("server", ""),
    ];
    let sources: Vec<(Module, String)> = files
        .iter()
        .map(|(m, t)| (vec![m.to_string()], t.to_string()))
        .collect();
    let mut graph = Graph::new();
    for (me, text) in &sources {
        let scan = Scan::of(text).expect("parses");
        graph.insert(me.clone(), edges(me, &scan, graph_modules(&sources)));
    }
    let m = |s: &str| vec![s.to_owned()];
    assert_eq!(graph[&m("route")], [m("cdn")].into());
    assert_eq!(
        graph[&m("view")],
        [m("graph"), m("store"), m("usage")].into()
    );
    let cycle = find_cycle(&graph).expect("the cycle is found");
    assert!(cycle.contains(&"crate::cdn".to_owned()), "{cycle:?}");
    // And the layer check names the back-arrow: a table importing a handler's module.
    let layers: &[(&str, bool, &[&str])] = &[
        ("low", false, &["route", "faults", "store", "usage"]),
        ("app", false, &["app"]),
        ("surfaces", true, &["cdn", "view", "graph"]),
        ("top", false, &["server"]),
    ];
    let bad = layer_violations(&graph, layers);
    assert!(
        bad.iter()
            .any(|v| v.starts_with("crate::route -> crate::cdn")),
        "{bad:?}"
    );
    assert!(bad.iter().any(|v| v.contains("kept apart")), "{bad:?}");
}

/// Error codes and subcodes distinctive enough to find as numbers (every subcode from 100 up,
/// every code from 100 up but 100 and 200, which are also HTTP statuses and quotas).
fn distinctive_codes() -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    for e in instapub_errors::ENTRIES {
        for n in [Some(e.code), e.subcode].into_iter().flatten() {
            let n = n.abs();
            // Small codes, and the HTTP statuses that are codes too (api.instagram.com's
            // `code` is its status, 400), are too common to tell apart from other numbers;
            // 2200 (webhook callback verification) is also Instagram's caption and comment
            // length limit.
            if n > 100 && n != 200 && n != 400 && n != 2200 {
                out.insert(n);
            }
        }
    }
    out
}

#[test]
fn only_the_catalog_writes_error_codes() {
    let codes = distinctive_codes();
    assert!(codes.contains(&2_207_042) && codes.contains(&190));
    let mut found = Vec::new();
    for krate in ["sandbox", "client", "cli", "rules", "media"] {
        let mut files = Vec::new();
        rust_files(&crates_dir().join(krate).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let scan = Scan::of(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for n in scan.ints {
                if codes.contains(&n) {
                    found.push(format!("{}: {n}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "error codes written outside the catalog (name the entry instead): {found:#?}"
    );
    let scan = Scan::of(
        "fn f() { x(9, 2207042); let _ = 1_000 + 2.5 as i64; g!(190, 0x68, \"v25.0\"); }
         #[cfg(test)] const T: i64 = 2207008;",
    )
    .expect("parses");
    assert_eq!(scan.ints, vec![9, 2207042, 1000, 190]);
}

/// The Graph handlers the route table names (`create_media::handle`), from each row's
/// `handler: shape(path)`.
fn handlers_in_table() -> BTreeSet<String> {
    instapub_sandbox::routes::ROUTES
        .iter()
        .filter_map(|s| s.handler)
        .filter_map(|h| {
            let inner = h.split_once('(')?.1.trim_end_matches(')');
            Some(inner.replace(' ', ""))
        })
        .collect()
}

/// `pub async fn`s of `crates/sandbox/src/graph/*.rs` that answer a request
/// (`-> ApiResult<Response>`): `module::name`.
fn graph_handlers_in_code() -> BTreeSet<String> {
    let dir = crates_dir().join("sandbox/src/graph");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut out = BTreeSet::new();
    for file in files {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let Ok(parsed) = syn::parse_file(&text) else {
            panic!("{} does not parse", file.display());
        };
        for item in parsed.items {
            let syn::Item::Fn(f) = item else { continue };
            let public = matches!(f.vis, syn::Visibility::Public(_));
            let answers = match &f.sig.output {
                syn::ReturnType::Type(_, ty) => is_api_result_of_response(ty),
                syn::ReturnType::Default => false,
            };
            if public && f.sig.asyncness.is_some() && answers && !is_test_only(&f.attrs) {
                out.insert(format!("{stem}::{}", f.sig.ident));
            }
        }
    }
    out
}

/// `ApiResult<Response>`, however its paths are written.
fn is_api_result_of_response(ty: &syn::Type) -> bool {
    fn last(ty: &syn::Type) -> Option<&syn::PathSegment> {
        match ty {
            syn::Type::Path(p) => p.path.segments.last(),
            _ => None,
        }
    }
    let Some(outer) = last(ty) else { return false };
    let syn::PathArguments::AngleBracketed(args) = &outer.arguments else {
        return false;
    };
    outer.ident == "ApiResult"
        && args.args.iter().any(|a| match a {
            syn::GenericArgument::Type(t) => last(t).is_some_and(|s| s.ident == "Response"),
            _ => false,
        })
}

#[test]
fn every_graph_handler_has_a_row_and_every_row_a_handler() {
    let table = handlers_in_table();
    let code = graph_handlers_in_code();
    assert!(table.contains("create_media::handle"), "{table:?}");
    let without_row: Vec<_> = code.difference(&table).collect();
    assert!(
        without_row.is_empty(),
        "Graph handlers no route names (add a row to route_table!, or make them private): {without_row:?}"
    );
    // Every row's handler exists: the table would not compile otherwise; and each is one of
    // the functions found here (the scan reads the files the compiler does).
    let unknown: Vec<_> = table.difference(&code).collect();
    assert!(
        unknown.is_empty(),
        "rows whose handler the scan did not find: {unknown:?}"
    );
}
