//! `GET /_sandbox/openapi.json`: an OpenAPI 3.0 description of every row of the route table
//! ([`crate::route::ROUTES`]), derived from it: each row names its parameters', body's and
//! answer's types (`crate::schemas`, the staging operations' input types, store records), and
//! schemars turns those into the schemas here. Nothing in this file describes one route:
//! tools that speak OpenAPI (Prism, schemathesis, client generators) and the sandbox's own
//! answer test (`every_route_answers_as_documented`) read what the table declares.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use super::stage;
use crate::route::{Route, Spec, Surface, ROUTES};
use crate::runtime::{faults, report, request_log};
use crate::schemas::{self, control, graph, login, Closed, Created, List, Page, Success};
use crate::store;
use crate::webhooks::control as webhooks;

/// What a row declares beyond the table's own columns: its parameters, its body and its answer.
#[derive(Debug, Default)]
struct Contract {
    /// Query parameters: name, required, schema, description.
    query: Vec<(String, bool, Value, Option<String>)>,
    /// The body's media type and schema.
    body: Option<(&'static str, Value)>,
    answer: Answer,
}

/// What a route answers when it succeeds.
#[derive(Debug, Default)]
enum Answer {
    /// JSON of this schema.
    Json(Value),
    /// An HTML page.
    #[default]
    Html,
    /// Bytes of whatever type they were stored with.
    Bytes,
    /// Server-Sent Events.
    Events,
    /// A redirect.
    Redirect,
}

/// The two generators the document is written with: one inlines everything (parameters become
/// one OpenAPI parameter per field), the other puts named types under `components/schemas`.
struct Schemas {
    inline: SchemaGenerator,
    named: SchemaGenerator,
}

impl Schemas {
    fn new() -> Schemas {
        let settings = SchemaSettings::openapi3().with_transform(Closed);
        Schemas {
            inline: settings
                .clone()
                .with(|s| s.inline_subschemas = true)
                .into_generator(),
            named: settings.into_generator(),
        }
    }

    /// A type's schema: a `$ref` for a named type, with the generator's transforms applied to
    /// what is inline.
    fn named<T: JsonSchema>(&mut self) -> Value {
        let mut schema = self.named.subschema_for::<T>();
        for t in self.named.transforms_mut() {
            t.transform(&mut schema);
        }
        schema.to_value()
    }

    /// A parameter type's fields, one query parameter each.
    fn query<T: JsonSchema>(&mut self) -> Vec<(String, bool, Value, Option<String>)> {
        let root = self.inline.root_schema_for::<T>().to_value();
        let required: Vec<&str> = root["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(props) = root["properties"].as_object() else {
            return Vec::new();
        };
        props
            .iter()
            .map(|(name, schema)| {
                let mut schema = schema.clone();
                let description = schema.as_object_mut().and_then(|o| {
                    // An absent parameter is how a query says "none"; it is never `null`.
                    o.remove("nullable");
                    o.remove("description")
                        .and_then(|d| d.as_str().map(str::to_owned))
                });
                (
                    name.clone(),
                    required.contains(&name.as_str()),
                    schema,
                    description,
                )
            })
            .collect()
    }

    fn components(mut self) -> Map<String, Value> {
        self.named.take_definitions(true).into_iter().collect()
    }
}

/// One part of a row's contract, as the table writes it (`query(T)`, `body(json(T))`,
/// `answer(html)`...).
macro_rules! part {
    ($c:ident $g:ident query($t:ty)) => {
        $c.query = $g.query::<$t>();
    };
    ($c:ident $g:ident body(json($t:ty))) => {
        $c.body = Some(("application/json", $g.named::<$t>()));
    };
    ($c:ident $g:ident body(form($t:ty))) => {
        $c.body = Some(("application/x-www-form-urlencoded", $g.named::<$t>()));
    };
    ($c:ident $g:ident body(bytes)) => {
        $c.body = Some(("application/octet-stream", binary()));
    };
    ($c:ident $g:ident answer(json($t:ty))) => {
        $c.answer = Answer::Json($g.named::<$t>());
    };
    ($c:ident $g:ident answer(html)) => {
        $c.answer = Answer::Html;
    };
    ($c:ident $g:ident answer(bytes)) => {
        $c.answer = Answer::Bytes;
    };
    ($c:ident $g:ident answer(events)) => {
        $c.answer = Answer::Events;
    };
    ($c:ident $g:ident answer(redirect)) => {
        $c.answer = Answer::Redirect;
    };
}

/// The route a row of a surface is.
macro_rules! route_of {
    (Graph $v:ident) => {
        Route::Graph(crate::route::GraphRoute::$v)
    };
    (upload $v:ident) => {
        Route::Upload(crate::route::UploadRoute::$v)
    };
    (login $v:ident) => {
        Route::Login(crate::route::LoginRoute::$v)
    };
    (cdn $v:ident) => {
        Route::Cdn(crate::route::CdnRoute::$v)
    };
    (control $v:ident) => {
        Route::Control(crate::route::ControlRoute::$v)
    };
    (dashboard $v:ident) => {
        Route::Dashboard(crate::route::DashboardRoute::$v)
    };
}

/// Writes [`contract`] from the table's rows (`route_table!(schemas contracts)`): a `match`
/// with an arm per row, each type resolved here.
macro_rules! contracts {
    ($( $surface:ident $v:ident { $( $key:ident ($($arg:tt)*) )* }; )*) => {
        fn contract(route: Route, g: &mut Schemas) -> Contract {
            match route {
                $( route_of!($surface $v) => {
                    let mut c = Contract::default();
                    $( part!(c g $key($($arg)*)); )*
                    c
                } )*
            }
        }
    };
}
crate::route::route_table!(schemas contracts);

/// The schema of a JSON answer of `route`, as the document has it (a `$ref` into
/// `components/schemas` for a named type); `None` for a route that answers no JSON.
pub fn answer_schema(route: Route) -> Option<Value> {
    // Generated as the document is, row by row, so a type's name is the one it has there.
    let mut g = Schemas::new();
    ROUTES
        .iter()
        .map(|spec| (spec.route, contract(spec.route, &mut g).answer))
        .find(|(r, _)| *r == route)
        .and_then(|(_, answer)| match answer {
            Answer::Json(v) => Some(v),
            _ => None,
        })
}

/// The failure shapes, as `$ref`s into `components/schemas`.
struct Errors {
    graph: Value,
    upload: Value,
    instagram: Value,
}

fn binary() -> Value {
    json!({"type": "string", "format": "binary"})
}

fn content(media: &str, schema: Value) -> Value {
    json!({ media: {"schema": schema} })
}

fn html() -> Value {
    content("text/html", json!({"type": "string"}))
}

/// A route's answers: its success as the row declares it, and its failures as its surface
/// fails (Graph envelopes; the upload host's own shape too; the login hosts' pages and
/// api.instagram.com's flat errors; the dashboard's login page).
fn responses(spec: &Spec, answer: Answer, errors: &Errors) -> Value {
    let graph_error = errors.graph.clone();
    let dashboard = spec.surface() == Surface::Dashboard;
    let error = match spec.surface() {
        // A body over the size limit is refused before the upload handler, as Graph does.
        Surface::Upload => {
            json!({"description": "The upload host's failure shape, or a Graph error envelope",
            "content": content("application/json", json!({"anyOf": [errors.upload, graph_error]}))})
        }
        Surface::Login if spec.path.starts_with("/www.facebook.com") => {
            json!({"description": "An error page naming the catalog error", "content": html()})
        }
        Surface::Login => json!({"description": "api.instagram.com's flat error shape",
            "content": content("application/json", errors.instagram.clone())}),
        Surface::Dashboard => json!({
            "description": "The login page (no or a wrong key), or a page saying what is not there", "content": html()}),
        _ => {
            json!({"description": "A Graph error envelope", "content": content("application/json", graph_error)})
        }
    };
    let mut out = Map::new();
    match answer {
        Answer::Json(schema) => {
            out.insert(
                "200".into(),
                json!({"description": "Success", "content": content("application/json", schema)}),
            );
        }
        Answer::Html => {
            out.insert(
                "200".into(),
                json!({"description": "The page", "content": html()}),
            );
        }
        Answer::Events => {
            out.insert("200".into(), json!({"description": "The event stream", "content": content("text/event-stream", json!({"type": "string"}))}));
        }
        Answer::Bytes => {
            out.insert("200".into(), json!({"description": "The bytes, with the type they were stored with", "content": content("*/*", binary())}));
        }
        Answer::Redirect if dashboard => {
            out.insert(
                "200".into(),
                json!({"description": "The login page again (a wrong key)", "content": html()}),
            );
        }
        Answer::Redirect => {
            out.insert("302".into(), json!({"description": "Back to redirect_uri with code and state, or with the cancel error parameters"}));
        }
    }
    if dashboard {
        out.insert(
            "303".into(),
            json!({"description": "Logged in: the cookie is set, and the page follows"}),
        );
    }
    out.insert("default".into(), error);
    Value::Object(out)
}

fn tag(spec: &Spec) -> &'static str {
    match spec.surface() {
        Surface::Graph => "Graph",
        Surface::Upload => "Resumable upload",
        Surface::Cdn => "CDN",
        Surface::Login => "Login",
        Surface::Control => "Control plane",
        Surface::Dashboard => "Dashboard",
    }
}

/// Path parameters named in a template, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// The whole document. `base_url` becomes the server URL.
pub fn document(base_url: &str) -> Value {
    let mut g = Schemas::new();
    let errors = Errors {
        graph: g.named::<schemas::GraphError>(),
        upload: g.named::<schemas::UploadError>(),
        instagram: g.named::<schemas::InstagramOauthError>(),
    };
    let mut paths = Map::new();
    for (spec, method) in ROUTES
        .iter()
        .flat_map(|spec| spec.methods.iter().map(move |m| (spec, m)))
    {
        let method = method.as_str().to_ascii_lowercase();
        let c = contract(spec.route, &mut g);
        let mut parameters: Vec<Value> = path_params(spec.path)
            .into_iter()
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        for (name, required, schema, description) in c.query {
            let mut p =
                json!({"name": name, "in": "query", "required": required, "schema": schema});
            if let Some(d) = description {
                p["description"] = json!(d);
            }
            parameters.push(p);
        }
        let item = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| json!({}));
        if let Some(op) = item.get_mut(&method) {
            // One path template serves several rows (`GET /{node-id}` reads a user, a
            // container, a media object...): the operation answers any of their schemas and
            // takes any of their parameters.
            merge(op, spec, parameters, c.answer);
            continue;
        }
        let security = match spec.surface() {
            _ if spec.is_public() => json!([]),
            Surface::Control => json!([{"adminKey": []}]),
            Surface::Upload => json!([{"uploadToken": []}]),
            Surface::Cdn | Surface::Login | Surface::Dashboard => json!([]),
            Surface::Graph => json!([{"bearerToken": []}, {"queryToken": []}]),
        };
        let mut operation = json!({
            "summary": spec.summary,
            "tags": [tag(spec)],
            "operationId": format!("{}_{}", method, spec.path.replace(['/', '{', '}', '.', '-'], "_").trim_matches('_')),
            "parameters": parameters,
            "security": security,
            "responses": responses(spec, c.answer, &errors),
        });
        if let Some((media, schema)) = c.body {
            operation["requestBody"] =
                json!({"required": false, "content": content(media, schema)});
        }
        item[method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "instapub sandbox",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A stateful local emulator of Instagram's Content Publishing API (Graph routes, with or without a /vNN.0 prefix) and its /_sandbox control plane. Every error is a Graph envelope."
        },
        "servers": [{"url": base_url}, {"url": format!("{base_url}/{}", crate::hosts::GRAPH_VERSION)}],
        "tags": [
            {"name": "Graph"}, {"name": "Resumable upload"}, {"name": "CDN"}, {"name": "Login"}, {"name": "Control plane"}, {"name": "Dashboard"}
        ],
        "paths": Value::Object(paths),
        "components": {
            "schemas": Value::Object(g.components()),
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer", "description": "An access token"},
                "queryToken": {"type": "apiKey", "in": "query", "name": "access_token"},
                "uploadToken": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "OAuth <access token>"},
                "adminKey": {"type": "http", "scheme": "bearer", "description": "The sandbox admin key"}
            }
        }
    })
}

/// Adds a row to the operation another row of the same method and path documents.
fn merge(op: &mut Value, spec: &Spec, parameters: Vec<Value>, answer: Answer) {
    let joined = format!("{}; {}", op["summary"].as_str().unwrap_or(""), spec.summary);
    op["summary"] = json!(joined);
    if let Some(existing) = op["parameters"].as_array_mut() {
        for p in parameters {
            if !existing
                .iter()
                .any(|e| e["name"] == p["name"] && e["in"] == p["in"])
            {
                existing.push(p);
            }
        }
    }
    let Answer::Json(schema) = answer else {
        return;
    };
    let slot = &mut op["responses"]["200"]["content"]["application/json"]["schema"];
    let mut any: Vec<Value> = match slot.get("anyOf").and_then(Value::as_array) {
        Some(a) => a.clone(),
        None => vec![slot.clone()],
    };
    if !any.contains(&schema) {
        any.push(schema);
    }
    *slot = json!({ "anyOf": any });
}
