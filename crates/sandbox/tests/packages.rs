//! The Python and Node packages speak the same control plane as Rust's `Sandbox`: every
//! operation of the route table (a control row with a `helper`) has that helper in all three,
//! and the packages' types of its body and answer are generated from the OpenAPI document
//! (`control_types.py`, `control.d.ts`), so they cannot drift from what the server takes and
//! answers. Regenerate with `INSTAPUB_BLESS=1 cargo test -p instapub-sandbox --test sandbox
//! packages_types_are_current`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use instapub_sandbox::routes::{camel, ROUTES};
use instapub_sandbox::Sandbox;
use serde_json::Value;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The component a `$ref` names.
fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Every component `v` refers to, transitively.
fn collect(v: &Value, schemas: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(name) = ref_name(v) {
                if out.insert(name.to_owned()) {
                    collect(&schemas[name], schemas, out);
                }
            }
            m.values().for_each(|x| collect(x, schemas, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, schemas, out)),
        _ => {}
    }
}

/// The components the control plane's operations take and answer.
fn control_types(doc: &Value) -> BTreeSet<String> {
    let schemas = &doc["components"]["schemas"];
    let mut names = BTreeSet::new();
    for spec in ROUTES.iter().filter(|s| s.helper.is_some()) {
        let op = &doc["paths"][spec.path][spec.methods[0].as_str().to_ascii_lowercase()];
        collect(&op["requestBody"], schemas, &mut names);
        collect(&op["responses"]["200"], schemas, &mut names);
    }
    names
}

/// A schema's type, in the words both languages have.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Ref(String),
    Literals(Vec<String>),
    Str,
    Int,
    Num,
    Bool,
    Array(Box<Ty>),
    Map(Box<Ty>),
    Any,
    Union(Vec<Ty>),
    Null,
}

/// What a schema says, OpenAPI 3.0's way (`nullable`, `allOf` around a `$ref` with a default,
/// `anyOf`/`oneOf` with a null member, enums as `const` variants).
fn ty(schema: &Value) -> Ty {
    let base = if let Some(name) = ref_name(schema) {
        Ty::Ref(name.to_owned())
    } else if schema["enum"]
        .as_array()
        .is_some_and(|e| e.iter().all(Value::is_null))
    {
        Ty::Null
    } else if let Some(values) = schema["enum"].as_array() {
        Ty::Literals(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        )
    } else if let Some(c) = schema["const"].as_str() {
        Ty::Literals(vec![c.to_owned()])
    } else if let Some([one]) = schema["allOf"].as_array().map(Vec::as_slice) {
        ty(one)
    } else if let Some(members) = schema["anyOf"].as_array().or(schema["oneOf"].as_array()) {
        let mut parts: Vec<Ty> = Vec::new();
        for m in members.iter().map(ty) {
            match (parts.last_mut(), m) {
                // `oneOf` of documented enum variants: one set of literals.
                (Some(Ty::Literals(a)), Ty::Literals(b)) => a.extend(b),
                (_, m) => parts.push(m),
            }
        }
        match parts.len() {
            1 => parts.remove(0),
            _ => Ty::Union(parts),
        }
    } else {
        match schema["type"].as_str() {
            Some("string") => Ty::Str,
            Some("integer") => Ty::Int,
            Some("number") => Ty::Num,
            Some("boolean") => Ty::Bool,
            Some("array") => Ty::Array(Box::new(ty(&schema["items"]))),
            Some("object") if schema.get("properties").is_none() => {
                match schema.get("additionalProperties") {
                    Some(v) if v.is_object() => Ty::Map(Box::new(ty(v))),
                    _ => Ty::Map(Box::new(Ty::Any)),
                }
            }
            _ => Ty::Any,
        }
    };
    let nullable = schema["nullable"] == Value::Bool(true);
    match base {
        Ty::Union(mut parts) if nullable && !parts.contains(&Ty::Null) => {
            parts.push(Ty::Null);
            Ty::Union(parts)
        }
        Ty::Null | Ty::Union(_) => base,
        other if nullable => Ty::Union(vec![other, Ty::Null]),
        other => other,
    }
}

fn ts(t: &Ty) -> String {
    match t {
        Ty::Ref(name) => name.clone(),
        Ty::Literals(v) => v
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(" | "),
        Ty::Str => "string".into(),
        Ty::Int | Ty::Num => "number".into(),
        Ty::Bool => "boolean".into(),
        Ty::Array(item) => format!("Array<{}>", ts(item)),
        Ty::Map(value) => format!("Record<string, {}>", ts(value)),
        Ty::Any => "unknown".into(),
        Ty::Union(parts) => parts.iter().map(ts).collect::<Vec<_>>().join(" | "),
        Ty::Null => "null".into(),
    }
}

fn py(t: &Ty) -> String {
    match t {
        Ty::Ref(name) => format!("\"{name}\""),
        Ty::Literals(v) => format!(
            "Literal[{}]",
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::Str => "str".into(),
        Ty::Int => "int".into(),
        Ty::Num => "float".into(),
        Ty::Bool => "bool".into(),
        Ty::Array(item) => format!("List[{}]", py(item)),
        Ty::Map(value) => format!("Dict[str, {}]", py(value)),
        Ty::Any => "Any".into(),
        Ty::Union(parts) => {
            let some: Vec<&Ty> = parts.iter().filter(|p| **p != Ty::Null).collect();
            let inner = match some.as_slice() {
                [one] => py(one),
                many => format!(
                    "Union[{}]",
                    many.iter().map(|p| py(p)).collect::<Vec<_>>().join(", ")
                ),
            };
            if some.len() < parts.len() {
                format!("Optional[{inner}]")
            } else {
                inner
            }
        }
        Ty::Null => "None".into(),
    }
}

fn ts_type(schema: &Value) -> String {
    ts(&ty(schema))
}

fn py_type(schema: &Value) -> String {
    py(&ty(schema))
}

/// One line of a description, for a comment.
fn summary(schema: &Value) -> Option<String> {
    schema["description"]
        .as_str()
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn typescript(doc: &Value) -> String {
    let schemas = &doc["components"]["schemas"];
    let mut out = String::from(
        "// Generated from the sandbox's OpenAPI document by crates/sandbox/tests/packages.rs:\n\
         // the bodies and answers of the control plane. Do not edit.\n",
    );
    for name in control_types(doc) {
        let schema = &schemas[&name];
        out.push('\n');
        if let Some(d) = summary(schema) {
            out.push_str(&format!("/** {d} */\n"));
        }
        let Some(props) = schema["properties"].as_object() else {
            out.push_str(&format!("export type {name} = {};\n", ts_type(schema)));
            continue;
        };
        let req = required(schema);
        out.push_str(&format!("export interface {name} {{\n"));
        for (field, s) in props {
            if let Some(d) = summary(s) {
                out.push_str(&format!("  /** {d} */\n"));
            }
            let opt = if req.contains(&field.as_str()) {
                ""
            } else {
                "?"
            };
            out.push_str(&format!("  {field}{opt}: {};\n", ts_type(s)));
        }
        out.push_str("}\n");
    }
    out
}

fn python(doc: &Value) -> String {
    let schemas = &doc["components"]["schemas"];
    let mut out = String::from(
        "\"\"\"Generated from the sandbox's OpenAPI document by crates/sandbox/tests/packages.rs:\n\
         the bodies and answers of the control plane. Do not edit.\"\"\"\n\n\
         from __future__ import annotations\n\n\
         from typing import Any, Dict, List, Literal, Optional, TypedDict, Union\n",
    );
    for name in control_types(doc) {
        let schema = &schemas[&name];
        out.push_str("\n\n");
        let Some(props) = schema["properties"].as_object() else {
            out.push_str(&format!("{name} = {}\n", py_type(schema)));
            continue;
        };
        let req = required(schema);
        let field = |out: &mut String, f: &str, s: &Value| {
            assert!(
                !["from", "class", "def", "import", "in", "is", "not", "or", "and"].contains(&f),
                "{name}.{f} is a Python keyword"
            );
            out.push_str(&format!("    {f}: {}\n", py_type(s)));
        };
        let (must, may): (Vec<_>, Vec<_>) =
            props.iter().partition(|(f, _)| req.contains(&f.as_str()));
        // Python 3.9 has no `NotRequired`: required keys in a base class, the others in a
        // `total=False` subclass.
        let base = if must.is_empty() {
            "TypedDict".to_owned()
        } else {
            out.push_str(&format!("class _{name}Required(TypedDict):\n"));
            for (f, s) in &must {
                field(&mut out, f, s);
            }
            out.push_str("\n\n");
            format!("_{name}Required")
        };
        out.push_str(&format!("class {name}({base}, total=False):\n"));
        if let Some(d) = summary(schema) {
            out.push_str(&format!("    \"\"\"{d}\"\"\"\n"));
            if !may.is_empty() {
                out.push('\n');
            }
        }
        for (f, s) in &may {
            field(&mut out, f, s);
        }
        if may.is_empty() && summary(schema).is_none() {
            out.push_str("    pass\n");
        }
    }
    out
}

#[tokio::test]
async fn packages_types_are_current() {
    let sb = Sandbox::start().await;
    let doc: Value = serde_json::from_str(
        &reqwest::get(format!("{}/_sandbox/openapi.json", sb.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    for (path, generated) in [
        ("packages/npm/instapub/control.d.ts", typescript(&doc)),
        (
            "packages/python/python/instapub/control_types.py",
            python(&doc),
        ),
    ] {
        if std::env::var_os("INSTAPUB_BLESS").is_some() {
            std::fs::write(root().join(path), &generated).unwrap();
        }
        let committed = std::fs::read_to_string(root().join(path)).unwrap_or_default();
        assert!(
            committed == generated,
            "{path} is stale: run `INSTAPUB_BLESS=1 cargo test -p instapub-sandbox --test sandbox packages_types_are_current`"
        );
    }
}

#[test]
fn every_control_operation_has_a_helper_in_every_language() {
    let rust = read("crates/sandbox/src/lib.rs");
    let python = read("packages/python/python/instapub/sandbox.py");
    let node = read("packages/npm/instapub/index.js");
    let node_types = read("packages/npm/instapub/index.d.ts");
    let mut missing = Vec::new();
    for spec in ROUTES {
        let Some(h) = spec.helper else { continue };
        let js = camel(h);
        let found = [
            (
                "Rust Sandbox",
                rust.contains(&format!("pub async fn {h}("))
                    || rust.contains(&format!("pub fn {h}(")),
            ),
            ("Python", python.contains(&format!("    def {h}("))),
            (
                "index.js",
                node.contains(&format!("  {js}(")) || node.contains(&format!("  async {js}(")),
            ),
            ("index.d.ts", node_types.contains(&format!("  {js}("))),
        ];
        for (language, ok) in found {
            if !ok {
                missing.push(format!(
                    "{} {} has no `{h}` in {language}",
                    spec.methods[0], spec.path
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
