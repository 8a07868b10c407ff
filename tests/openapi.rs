//! `/api/openapi.json` stays true: real answers are checked against it, and
//! every operation it lists is exercised.

mod common;

use common::*;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Checks `value` against a JSON Schema subset (type, enum, properties,
/// required, additionalProperties, items, $ref, minLength, maxLength,
/// minItems, maxItems, minimum, maximum) and returns the problems.
fn check(spec: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return check(
            spec,
            &spec["components"]["schemas"][name],
            value,
            at,
            problems,
        );
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !types
            .iter()
            .any(|t| *t == actual || (*t == "number" && actual == "integer"))
        {
            problems.push(format!("{at}: {actual} is not {types:?}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {e:?}"));
    }
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let size = match value {
        Value::String(s) => Some((s.chars().count() as f64, "Length")),
        Value::Array(a) => Some((a.len() as f64, "Items")),
        _ => None,
    };
    if let Some((n, what)) = size {
        if bound(&format!("min{what}")).is_some_and(|min| n < min) {
            problems.push(format!("{at}: {n} is below min{what}"));
        }
        if bound(&format!("max{what}")).is_some_and(|max| n > max) {
            problems.push(format!("{at}: {n} is above max{what}"));
        }
    }
    if let Some(n) = value.as_f64() {
        if bound("minimum").is_some_and(|min| n < min) {
            problems.push(format!("{at}: {n} is below the minimum"));
        }
        if bound("maximum").is_some_and(|max| n > max) {
            problems.push(format!("{at}: {n} is above the maximum"));
        }
    }
    if let Value::Object(map) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !map.contains_key(r.as_str().unwrap()) {
                problems.push(format!("{at}: missing {r}"));
            }
        }
        for (k, v) in map {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(spec, s, v, &format!("{at}.{k}"), problems),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        problems.push(format!("{at}: {k} is not in the spec"))
                    }
                    Some(s @ Value::Object(_)) => check(spec, s, v, &format!("{at}.{k}"), problems),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(spec, s, v, &format!("{at}[{i}]"), problems);
        }
    }
}

struct Checker {
    spec: Value,
    seen: BTreeSet<(String, String)>,
    problems: Vec<String>,
}

impl Checker {
    /// Checks one real answer against the spec's entry for it.
    async fn answer(&mut self, method: &Method, template: &str, res: Response) -> Value {
        let status = res.status().as_u16().to_string();
        let op = &self.spec["paths"][template][method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {template} is not in the spec");
        self.seen
            .insert((template.to_string(), method.as_str().to_lowercase()));
        let mut documented = op["responses"][&status].clone();
        assert!(
            documented.is_object(),
            "{method} {template} answered {status}, which the spec does not list"
        );
        if let Some(r) = documented.get("$ref").and_then(Value::as_str) {
            documented = self.spec["components"]["responses"]
                [r.trim_start_matches("#/components/responses/")]
            .clone();
        }
        let bytes = res.bytes().await.unwrap();
        match documented["content"].get("application/json") {
            Some(media) => {
                let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
                let schema = media["schema"].clone();
                let mut problems = Vec::new();
                check(
                    &self.spec,
                    &schema,
                    &body,
                    &format!("{method} {template} {status}"),
                    &mut problems,
                );
                self.problems.extend(problems);
                body
            }
            None => Value::Null,
        }
    }
}

#[tokio::test]
async fn real_answers_match_the_spec() {
    let s = TestServer::start().await;
    let spec: Value = s.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let mut c = Checker {
        spec,
        seen: BTreeSet::new(),
        problems: Vec::new(),
    };
    let page = enc(&page_url("/spec"));
    let (get, post, patch, delete) = (Method::GET, Method::POST, Method::PATCH, Method::DELETE);

    let r = s.get(&format!("/api/comments?url={page}")).await;
    c.answer(&get, "/api/comments", r).await;
    let r = s.get(&format!("/api/thread.html?url={page}")).await;
    c.answer(&get, "/api/thread.html", r).await;
    let r = s.post_as(&fresh_ip(), "/spec", json!({"text": "top", "name": "N", "website": "https://n.example", "notify": {"replies": false, "thread": false}})).await;
    let top = c.answer(&post, "/api/comments", r).await;
    let id = top["comment"]["id"].clone();
    let token = top["edit_token"].as_str().unwrap().to_string();
    let r = s
        .post_as(&fresh_ip(), "/spec", json!({"text": "reply", "parent": id}))
        .await;
    c.answer(&post, "/api/comments", r).await;
    let r = s
        .post_as(
            &fresh_ip(),
            "/spec",
            json!({"text": "a http://a b http://b c http://c"}),
        )
        .await;
    c.answer(&post, "/api/comments", r).await;
    let r = s.post_as(&fresh_ip(), "/spec", json!({"text": ""})).await;
    c.answer(&post, "/api/comments", r).await;
    let r = s
        .post_as(&fresh_ip(), "/spec", json!({"text": "top"}))
        .await;
    c.answer(&post, "/api/comments", r).await;
    let r = s
        .get(&format!("/api/comments?url={page}&limit=1&sort=top"))
        .await;
    c.answer(&get, "/api/comments", r).await;
    let r = s
        .get(&format!(
            "/api/comments?url={}",
            enc("https://elsewhere.example/")
        ))
        .await;
    c.answer(&get, "/api/comments", r).await;

    let r = s
        .http
        .post(s.url(&format!("/api/comments/{id}/vote")))
        .json(&json!({"value": 1, "voter": "x"}))
        .send()
        .await
        .unwrap();
    c.answer(&post, "/api/comments/{id}/vote", r).await;
    let r = s
        .http
        .patch(s.url(&format!("/api/comments/{id}")))
        .bearer_auth(&token)
        .json(&json!({"text": "edited"}))
        .send()
        .await
        .unwrap();
    c.answer(&patch, "/api/comments/{id}", r).await;
    let r = s
        .http
        .patch(s.url(&format!("/api/comments/{id}")))
        .json(&json!({"text": "edited"}))
        .send()
        .await
        .unwrap();
    c.answer(&patch, "/api/comments/{id}", r).await;
    let r = s
        .http
        .delete(s.url(&format!("/api/comments/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    c.answer(&delete, "/api/comments/{id}", r).await;
    let r = s
        .http
        .delete(s.url("/api/comments/99999"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    c.answer(&delete, "/api/comments/{id}", r).await;
    let r = s.get(&format!("/api/comments?url={page}")).await;
    let thread = c.answer(&get, "/api/comments", r).await;
    assert_eq!(thread["comments"][0]["status"], "deleted");

    let r = s
        .http
        .post(s.url("/api/preview"))
        .json(&json!({"text": "*p*"}))
        .send()
        .await
        .unwrap();
    c.answer(&post, "/api/preview", r).await;
    let r = s
        .get(&format!(
            "/api/counts?url={page}&url={}",
            enc("https://x.example/")
        ))
        .await;
    c.answer(&get, "/api/counts", r).await;
    let r = s
        .http
        .post(s.url("/api/counts"))
        .json(&json!({"urls": [page_url("/spec")]}))
        .send()
        .await
        .unwrap();
    c.answer(&post, "/api/counts", r).await;
    let r = s
        .http
        .post(s.url("/api/counts"))
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    c.answer(&post, "/api/counts", r).await;
    let r = s.get(&format!("/api/config?url={page}")).await;
    c.answer(&get, "/api/config", r).await;
    // The stream itself never ends (tests/live.rs reads it): its errors.
    let r = s.get(&format!("/api/events?url={page}&since=x")).await;
    c.answer(&get, "/api/events", r).await;
    let r = s
        .http
        .get(s.url(&format!("/api/events?url={page}")))
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    c.answer(&get, "/api/events", r).await;
    let avatar = thread["comments"][0]["replies"][0]["author"]["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.get(&avatar).await;
    c.answer(&get, "/api/avatar/{file}", r).await;
    let r = s.get(&format!("/api/feed?url={page}")).await;
    c.answer(&get, "/api/feed", r).await;
    let r = s.get("/api/feed?site=blog").await;
    c.answer(&get, "/api/feed", r).await;
    let r = s.get("/api/feed?site=nosuch").await;
    c.answer(&get, "/api/feed", r).await;
    let r = s.get("/api/openapi.json").await;
    c.answer(&get, "/api/openapi.json", r).await;
    let r = s.get("/healthz").await;
    c.answer(&get, "/healthz", r).await;

    assert!(
        c.problems.is_empty(),
        "answers differ from the spec:\n{}",
        c.problems.join("\n")
    );
    let mut listed = BTreeSet::new();
    for (path, ops) in c.spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            listed.insert((path.clone(), method.clone()));
        }
    }
    let missed: Vec<_> = listed.difference(&c.seen).collect();
    assert!(
        missed.is_empty(),
        "operations the test does not exercise: {missed:?}"
    );
}

#[test]
fn the_checker_catches_a_wrong_answer() {
    let spec: Value = serde_json::from_str(natter::http::api_description()).unwrap();
    let schema = json!({"$ref": "#/components/schemas/VoteCounts"});
    let mut problems = Vec::new();
    check(
        &spec,
        &schema,
        &json!({"likes": 1, "dislikes": "2", "value": 1, "extra": true}),
        "x",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}

/// What the spec says of one request: its JSON body, or one query parameter.
enum Part<'a> {
    Body(Value),
    Query(&'a str, Value),
}

/// The problems the spec finds with one part of a request.
fn refused_by_spec(spec: &Value, method: &str, template: &str, part: &Part<'_>) -> Vec<String> {
    let op = &spec["paths"][template][method];
    let (schema, value) = match part {
        Part::Body(v) => (
            op["requestBody"]["content"]["application/json"]["schema"].clone(),
            v.clone(),
        ),
        Part::Query(name, v) => (
            op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == *name)
                .unwrap_or_else(|| panic!("{method} {template} has no parameter {name}"))["schema"]
                .clone(),
            v.clone(),
        ),
    };
    let mut problems = Vec::new();
    check(spec, &schema, &value, "request", &mut problems);
    problems
}

#[tokio::test]
async fn what_the_server_refuses_the_spec_refuses_too() {
    let s = TestServer::start().await;
    let spec: Value = s.get("/api/openapi.json").await.json().await.unwrap();
    let page = enc(&page_url("/refused"));
    let hundred_and_one: Vec<String> = (0..101).map(|i| page_url(&format!("/p{i}"))).collect();
    let cases: Vec<(Method, &str, String, Part<'_>)> = vec![
        (
            Method::POST,
            "/api/comments",
            format!("/api/comments?url={page}"),
            Part::Body(json!({"text": ""})),
        ),
        (
            Method::POST,
            "/api/comments",
            format!("/api/comments?url={page}"),
            Part::Body(json!({"text": "hi", "voter": "v".repeat(65)})),
        ),
        (
            Method::POST,
            "/api/preview",
            "/api/preview".into(),
            Part::Body(json!({"text": ""})),
        ),
        (
            Method::POST,
            "/api/counts",
            "/api/counts".into(),
            Part::Body(json!({"urls": []})),
        ),
        (
            Method::POST,
            "/api/counts",
            "/api/counts".into(),
            Part::Body(json!({ "urls": hundred_and_one })),
        ),
        (
            Method::GET,
            "/api/comments",
            "/api/comments?url=".into(),
            Part::Query("url", json!("")),
        ),
        (
            Method::GET,
            "/api/comments",
            format!("/api/comments?url={page}&cursor=18446744073709551615"),
            Part::Query("cursor", json!("18446744073709551615")),
        ),
        (
            Method::GET,
            "/api/config",
            "/api/config?url=".into(),
            Part::Query("url", json!("")),
        ),
    ];
    for (method, template, path, part) in cases {
        let mut req = s
            .http
            .request(method.clone(), s.url(&path))
            .header("x-forwarded-for", fresh_ip());
        if let Part::Body(body) = &part {
            req = req.json(body);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 400, "{method} {path} must be refused");
        let problems = refused_by_spec(&spec, &method.as_str().to_lowercase(), template, &part);
        assert!(
            !problems.is_empty(),
            "the server refuses {method} {path} but the spec accepts it"
        );
    }
}
