//! Native cost per number, `cargo bench --bench phone_native`: verify-edge's engine (generated tables), the engine
//! it replaced (the `phonenumber` crate's database with the `regex` crate, tests/phone/differential/legacy.rs) and
//! the `phonenumber` crate's own parser, on the benchmark's inputs (bench/inputs.mjs). The work per number is the
//! same as in bench/phone.mjs: parse with a default region, then E.164, region, number type and validity.
//! Prints a Markdown table; also the first call of each (which builds the crate's database for the other two).
//! Then, with `-- agreement`, how often the `phonenumber` crate's own parser gives Google's answer on the agreement
//! corpus (tests/data/phone-oracle.json), beside this engine.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "../tests/phone/differential/legacy.rs"]
mod legacy;

/// `(input, default region)` from bench/inputs.mjs's `{ input: "...", region: "XX" }` lines.
fn inputs() -> Vec<(String, Option<String>)> {
    let source = include_str!("inputs.mjs");
    let quoted = |line: &str, key: &str| -> Option<String> {
        let start = line.find(&format!("{key}: \""))? + key.len() + 3;
        let end = start + line[start..].find('"')?;
        Some(line[start..end].replace("\\\"", "\""))
    };
    source
        .lines()
        .filter(|line| line.trim_start().starts_with("{ input:"))
        .filter_map(|line| Some((quoted(line, "input")?, quoted(line, "region"))))
        .collect()
}

/// One engine's full answer for an input, reduced to a number so the work cannot be optimised away.
type Engine = fn(&str, Option<&str>) -> usize;

fn ours(input: &str, region: Option<&str>) -> usize {
    match verify_edge::phone::normalize_phone(input, region) {
        Ok(n) => n.e164.len() + usize::from(n.valid) + n.region.map_or(0, |r| r.len()),
        Err(e) => e.code as usize,
    }
}

fn before(input: &str, region: Option<&str>) -> usize {
    match legacy::normalize(input, region) {
        Ok((e164, region, _, valid, _)) => {
            e164.len() + usize::from(valid) + region.map_or(0, |r| r.len())
        }
        Err(code) => code as usize,
    }
}

fn crate_parser(input: &str, region: Option<&str>) -> usize {
    let country = region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
    match phonenumber::parse(country, input) {
        Ok(n) => {
            let e164 = n.format().mode(phonenumber::Mode::E164).to_string();
            let valid = phonenumber::is_valid(&n);
            let region = n.country().id().map_or(0, |id| id.as_ref().len());
            e164.len()
                + usize::from(valid)
                + region
                + n.number_type(&phonenumber::metadata::DATABASE) as usize
        }
        Err(_) => 0,
    }
}

/// Median ns per number over 7 timed repetitions of `rounds` passes over the inputs, after a warm-up.
fn per_number(
    f: fn(&str, Option<&str>) -> usize,
    inputs: &[(String, Option<String>)],
    rounds: usize,
) -> f64 {
    let pass = || {
        let mut sum = 0;
        for (input, region) in inputs {
            sum += f(black_box(input), black_box(region.as_deref()));
        }
        black_box(sum)
    };
    for _ in 0..rounds / 4 + 1 {
        pass();
    }
    let mut samples: Vec<Duration> = (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..rounds {
                pass();
            }
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[3].as_nanos() as f64 / (rounds * inputs.len()) as f64
}

/// E.164, region, number type and validity, as the corpus states them.
type CorpusAnswer = (String, Option<String>, String, bool);

/// `(agree on E.164, agree on E.164, region, type and validity)` over the corpus, refusals agreeing with refusals.
fn corpus_agreement(
    answer: impl Fn(&str, Option<&str>) -> Option<CorpusAnswer>,
) -> (usize, usize, usize) {
    let corpus: serde_json::Value =
        serde_json::from_str(include_str!("../tests/data/phone-oracle.json"))
            .expect("the corpus parses");
    let cases = corpus["cases"].as_array().expect("cases");
    let (mut e164, mut all) = (0, 0);
    for case in cases {
        let input = case["input"].as_str().unwrap_or_default();
        let region = case["defaultRegion"].as_str();
        let expected = &case["expected"];
        match (answer(input, region), expected["error"].is_string()) {
            (None, true) => {
                e164 += 1;
                all += 1;
            }
            (Some((got_e164, got_region, got_type, got_valid)), false)
                if expected["e164"].as_str() == Some(got_e164.as_str()) =>
            {
                e164 += 1;
                if expected["region"].as_str() == got_region.as_deref()
                    && expected["type"].as_str() == Some(got_type.as_str())
                    && expected["valid"].as_bool() == Some(got_valid)
                {
                    all += 1;
                }
            }
            _ => {}
        }
    }
    (cases.len(), e164, all)
}

/// The `phonenumber` crate's own answer in the corpus's terms.
fn crate_answer(input: &str, region: Option<&str>) -> Option<CorpusAnswer> {
    let country = region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
    let n = phonenumber::parse(country, input).ok()?;
    let snake: String = format!("{:?}", n.number_type(&phonenumber::metadata::DATABASE))
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect();
    let number_type = match snake.trim_start_matches('_') {
        "personal_number" => "personal".to_owned(),
        other => other.to_owned(),
    };
    Some((
        n.format().mode(phonenumber::Mode::E164).to_string(),
        n.country().id().map(|id| id.as_ref().to_owned()),
        number_type,
        phonenumber::is_valid(&n),
    ))
}

/// This engine's answer in the corpus's terms.
fn our_answer(input: &str, region: Option<&str>) -> Option<CorpusAnswer> {
    let n = verify_edge::phone::normalize_phone(input, region).ok()?;
    let number_type = serde_json::to_value(n.number_type)
        .ok()?
        .as_str()?
        .to_owned();
    Some((n.e164, n.region, number_type, n.valid))
}

fn main() {
    if std::env::args().any(|a| a == "agreement") {
        println!("| engine | cases | same E.164 (or both refuse) | same E.164, region, type and validity |");
        println!("| --- | --- | --- | --- |");
        for (name, (cases, e164, all)) in [
            ("verify-edge", corpus_agreement(our_answer)),
            (
                "phonenumber 0.3.10's own parser",
                corpus_agreement(crate_answer),
            ),
        ] {
            let pct = |n: usize| 100.0 * n as f64 / cases as f64;
            println!(
                "| {name} | {cases} | {e164} ({:.2}%) | {all} ({:.2}%) |",
                pct(e164),
                pct(all)
            );
        }
        return;
    }
    let inputs = inputs();
    assert!(
        inputs.len() > 50,
        "bench/inputs.mjs gave {} inputs",
        inputs.len()
    );
    let (first, region) = (&inputs[0].0, inputs[0].1.as_deref());
    let engines: [(&str, Engine, usize); 3] = [
        ("verify-edge (generated tables)", ours, 2_000),
        (
            "verify-edge before (phonenumber database + regex)",
            before,
            300,
        ),
        ("phonenumber 0.3.10's own parser", crate_parser, 1),
    ];
    println!("| engine (native, release) | first call | ns per number, median of 7 |");
    println!("| --- | --- | --- |");
    // `cargo bench --bench phone_native -- WORD` runs the engines whose name contains WORD.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (name, f, rounds) in engines {
        if !only.is_empty() && !only.iter().any(|w| name.contains(w.as_str())) {
            continue;
        }
        let start = Instant::now();
        black_box(f(first, region));
        let first_call = start.elapsed();
        let ns = per_number(f, &inputs, rounds);
        println!(
            "| {name} | {:.2} ms | {ns:.0} |",
            first_call.as_secs_f64() * 1e3
        );
    }
    println!(
        "\n{} inputs from bench/inputs.mjs; the first call is `{first}` ({region:?}).",
        inputs.len()
    );
}
