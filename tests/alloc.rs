//! `check_json` and `check_form` allocate nothing on a valid body whose keys and values need
//! no decoding and whose lists and maps are short, and past that exactly what their docs
//! say (one allocation per decoded value, …): counted with a global allocator that counts,
//! a deterministic test rather than a timing. `validate_*` allocates (it builds the typed
//! request), and so does the error path; both are counted too, so the counter is seen
//! working. Every limit at its hard ceiling, with the worst list index, costs bounded bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use token_validate::{Context, Date, Kind, check_form, check_json, validate_json};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Bytes asked for (allocations and reallocations to their new size): an upper bound
    /// of the memory in use at any one time.
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    ALLOCATIONS.with(|a| a.set(a.get() + 1));
    BYTES.with(|b| b.set(b.get().saturating_add(bytes)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

/// The bytes `f` asks for on this thread.
fn bytes<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = BYTES.with(Cell::get);
    let out = f();
    (BYTES.with(Cell::get) - before, out)
}

// The benchmark bodies (benches/validate.rs): Stripe's test card 4242424242424242
// (https://docs.stripe.com/testing) with every card field, and a person with ~20 fields
// (test id number 000000000, https://docs.stripe.com/connect/testing).
const CARD_JSON: &str = r#"{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"cvc":"123","name":"Jenny Rosen","address_line1":"1 Main St","address_line2":"Apt 2","address_city":"San Francisco","address_state":"CA","address_zip":"94107","address_country":"US","currency":"usd","networks":{"preferred":"visa"}}}"#;
const CARD_FORM: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[name]=Jenny&card[address_line1]=1-Main-St&card[address_city]=Paris&card[address_zip]=94107&card[address_country]=US&card[currency]=usd&card[networks][preferred]=visa&expand[0]=card&expand[1]=card.brand";
const PERSON_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","maiden_name":"Doe","email":"jenny.rosen@example.com","phone":"+14155550123","gender":"female","nationality":"US","id_number":"000000000","ssn_last_4":"0000","political_exposure":"none","dob":{"day":1,"month":2,"year":1990},"address":{"line1":"1 Main St","line2":"Apt 2","city":"San Francisco","state":"CA","postal_code":"94107","country":"US"},"metadata":{"ref":"42"}}}"#;
/// The benchmark's card form (benches/validate.rs `CARD_FORM`): four values with `+`.
const BENCH_CARD_FORM: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[name]=Jenny+Rosen&card[address_line1]=1+Main+St&card[address_line2]=Apt+2&card[address_city]=San+Francisco&card[address_state]=CA&card[address_zip]=94107&card[address_country]=US&card[currency]=usd&card[networks][preferred]=visa";
const BANK_FORM: &str = "bank_account[country]=US&bank_account[currency]=usd&bank_account[account_number]=000123456789&bank_account[routing_number]=110000000&bank_account[account_holder_type]=individual";

fn ctx() -> Context {
    Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap())
}

#[test]
fn the_verdict_allocates_nothing_on_a_valid_body() {
    let c = ctx();
    // The bundled spec is loaded once, on first use: not counted.
    assert!(check_json(CARD_JSON.as_bytes(), &c).is_ok());
    let cases: [(&str, &[u8], bool, Kind); 4] = [
        ("card JSON", CARD_JSON.as_bytes(), true, Kind::Card),
        ("person JSON", PERSON_JSON.as_bytes(), true, Kind::Person),
        ("card form", CARD_FORM.as_bytes(), false, Kind::Card),
        ("bank form", BANK_FORM.as_bytes(), false, Kind::BankAccount),
    ];
    for (name, body, json, kind) in cases {
        let (n, verdict) = allocations(|| {
            if json {
                check_json(body, &c)
            } else {
                check_form(body, &c)
            }
        });
        assert_eq!(verdict, Ok(kind), "{name}");
        assert_eq!(n, 0, "{name}: {n} allocations");
    }
}

/// Issue 16: the request-level entry point with a URL query, and its accepted verdict
/// (no warning under the default threshold), allocate nothing either.
#[test]
fn the_request_verdict_with_a_query_allocates_nothing() {
    use token_validate::{Input, Options, check_request};
    let c = ctx();
    let opts = Options::new();
    let input = Input::form(b"card[cvc]=123&expand[0]=card").with_query(
        b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&muid=6c1d2e3f",
    );
    assert!(check_request(input, &c, &opts).is_ok());
    let (n, verdict) = allocations(|| check_request(input, &c, &opts));
    let accepted = verdict.unwrap();
    assert_eq!(accepted.value, Kind::Card);
    assert!(accepted.warnings.is_empty());
    assert_eq!(n, 0, "{n} allocations");
}

#[test]
fn the_counter_sees_allocations() {
    let c = ctx();
    assert!(validate_json(CARD_JSON.as_bytes(), &c).is_ok());
    // The typed request owns its strings.
    let (n, r) = allocations(|| validate_json(CARD_JSON.as_bytes(), &c));
    assert!(r.is_ok());
    assert!(n > 0);
    // Errors are built on the error path.
    let bad = CARD_JSON.replace("4242424242424242", "4242424242424241");
    let (n, r) = allocations(|| check_json(bad.as_bytes(), &c));
    assert!(r.is_err());
    assert!(n > 0);
    // A value with escapes is decoded into its own string.
    let escaped = CARD_JSON.replace("Jenny Rosen", "Jenny \\u0052osen");
    let (n, r) = allocations(|| check_json(escaped.as_bytes(), &c));
    assert_eq!(r, Ok(Kind::Card));
    assert!(n > 0);
}

/// Every limit raised to `usize::MAX` is held to its hard ceiling, and the worst list index
/// (the largest `usize` and beyond, the last index in force, the first over it) is refused
/// in bounded memory: before the ceilings, `expand[18446744073709551614]` with the array
/// limit raised grew the index bitmap to 2^58 words and aborted the process.
#[test]
fn every_limit_at_its_maximum_and_the_worst_index() {
    use token_validate::{
        HARD_MAX_ARRAY_LEN, HARD_MAX_BODY_BYTES, HARD_MAX_DEPTH, HARD_MAX_PARAMS, Limits, Options,
        check_form_with, check_json_with, tree, validate_form_with,
    };
    let c = ctx();
    let max = Limits::default()
        .with_max_body_bytes(usize::MAX)
        .with_max_depth(usize::MAX)
        .with_max_params(usize::MAX)
        .with_max_array_len(usize::MAX);
    let opts = Options::new().limits(max.clone());
    // The bundled spec is loaded once, on first use: not counted.
    assert!(check_json(CARD_JSON.as_bytes(), &c).is_ok());
    let first = |r: Result<Kind, token_validate::Errors>| r.unwrap_err().first().message.clone();
    // (form body, what the first error says)
    let too_large = format!("indexes must be below {HARD_MAX_ARRAY_LEN}");
    let last = HARD_MAX_ARRAY_LEN - 1;
    let cases: Vec<(String, String)> = vec![
        (
            format!("expand[{}]=card", usize::MAX - 1),
            too_large.clone(),
        ),
        (format!("expand[{}]=card", usize::MAX), too_large.clone()),
        (
            "expand[99999999999999999999999999]=card".into(),
            too_large.clone(),
        ),
        (
            format!("expand[{HARD_MAX_ARRAY_LEN}]=card"),
            too_large.clone(),
        ),
        // The last index in force: taken, then the gap before it is refused.
        (
            format!("pii[id_number]=000000000&expand[{last}]=card"),
            "leaves a gap".into(),
        ),
    ];
    for (body, says) in &cases {
        let (n, message) = bytes(|| first(check_form_with(body.as_bytes(), &c, &opts)));
        assert!(message.contains(says.as_str()), "{body}: {message}");
        assert!(n < 64 * 1024, "{body}: {n} bytes");
        let (n, e) = bytes(|| tree::parse_form(body.as_bytes(), &max));
        assert!(e.is_err() || body.contains("gap"), "{body}");
        assert!(n < 64 * 1024, "tree {body}: {n} bytes");
        let (n, r) = bytes(|| validate_form_with(body.as_bytes(), &c, &opts));
        assert!(r.is_err() && n < 64 * 1024, "validate {body}: {n} bytes");
    }
    // The other ceilings: depth, values, body size.
    let deep = format!("card{}=1", "[a]".repeat(HARD_MAX_DEPTH + 10));
    let msg = first(check_form_with(deep.as_bytes(), &c, &opts));
    assert!(
        msg.contains(&format!("at most {HARD_MAX_DEPTH} levels")),
        "{msg}"
    );
    let many: Vec<String> = (0..=HARD_MAX_PARAMS).map(|i| format!("k{i}=")).collect();
    let many = many.join("&");
    let msg = first(check_form_with(many.as_bytes(), &c, &opts));
    assert!(
        msg.contains(&format!("at most {HARD_MAX_PARAMS} values")),
        "{msg}"
    );
    let huge = vec![b'a'; HARD_MAX_BODY_BYTES + 1];
    let msg = first(check_json_with(&huge, &c, &opts));
    assert!(
        msg.contains(&format!("limit of {HARD_MAX_BODY_BYTES} bytes")),
        "{msg}"
    );
    // A JSON list one longer than the ceiling (alone: its items are as many values as the
    // values ceiling allows).
    let long = format!(
        r#"{{"expand":[{}"card"]}}"#,
        "\"card\",".repeat(HARD_MAX_ARRAY_LEN)
    );
    let msg = first(check_json_with(long.as_bytes(), &c, &opts));
    assert!(msg.contains(&too_large), "{msg}");
}

/// Past the condition of the test above, the exact cost (deterministic: the same body costs
/// the same count on every run), as the crate docs and README state it:
///
/// - a form value with `+` or `%XX`: one allocation (its decoded text);
/// - a form key with `+` or `%XX`: none (decoded into the driver's stack buffer, the body
///   offsets of its bytes found only for an error; two before issue 20);
/// - a JSON value with a `\` escape (`\u0052`, `\n`, …): one; a JSON key with one: none
///   when it is a parameter of its object (decoded into a stack buffer as long as the
///   object's longest parameter name, issue 20), one when it is a map's key (it is kept);
/// - a list past 4 items or a map past 4 entries: the vector holding them moves to the heap
///   (one allocation at the 5th, one more at the 9th, the 17th, … as it doubles); a map past
///   16 entries also keeps a set of its keys (one allocation per key, and the set's table).
#[test]
fn decoding_and_long_lists_cost_exactly_this() {
    let c = ctx();
    assert!(check_json(CARD_JSON.as_bytes(), &c).is_ok());
    let card = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034";
    let letters = |n: usize| -> Vec<String> { (0..n).map(|i| format!("k{i}")).collect() };
    let list = |n: usize| {
        let items: Vec<String> = letters(n).iter().map(|k| format!("\"{k}\"")).collect();
        format!(
            r#"{{"pii":{{"id_number":"000000000"}},"expand":[{}]}}"#,
            items.join(",")
        )
    };
    let map = |n: usize| {
        let entries: Vec<String> = letters(n)
            .iter()
            .map(|k| format!("\"{k}\":\"v\""))
            .collect();
        format!(r#"{{"person":{{"metadata":{{{}}}}}}}"#, entries.join(","))
    };
    // (what, body, JSON?, allocations)
    let cases: Vec<(&str, String, bool, usize)> = vec![
        (
            "one value with +",
            format!("{card}&card[name]=Jenny+Rosen"),
            false,
            1,
        ),
        (
            "one value with %20",
            format!("{card}&card[name]=Jenny%20Rosen"),
            false,
            1,
        ),
        (
            "one value with + and %C3%A9",
            format!("{card}&card[name]=Ren%C3%A9e+R"),
            false,
            1,
        ),
        (
            "two values decoded",
            format!("{card}&card[name]=J+R&card[address_city]=San%20Francisco"),
            false,
            2,
        ),
        (
            "one key with %5B%5D",
            card.replacen("card[number]", "card%5Bnumber%5D", 1),
            false,
            0,
        ),
        (
            "the benchmark's card form (four values with +)",
            BENCH_CARD_FORM.to_string(),
            false,
            4,
        ),
        (
            "one JSON value with \\u0052",
            CARD_JSON.replace("Jenny Rosen", "Jenny \\u0052osen"),
            true,
            1,
        ),
        (
            "two JSON values with escapes",
            CARD_JSON
                .replace("Jenny Rosen", "Jenny\\nRosen")
                .replace("San Francisco", "San Francisc\\u00f3"),
            true,
            2,
        ),
        // A parameter's key: decoded into the object's stack buffer (before issue 20, its
        // text and serde_json's scratch buffer: 2).
        (
            "one JSON key with \\u0075",
            CARD_JSON.replace("\"number\"", "\"n\\u0075mber\""),
            true,
            0,
        ),
        (
            "two JSON keys with escapes",
            CARD_JSON
                .replace("\"number\"", "\"n\\u0075mber\"")
                .replace("\"exp_month\"", "\"exp_m\\u006fnth\""),
            true,
            0,
        ),
        // A map's key is kept: its decoded text (one allocation).
        (
            "one JSON map key with \\u0066",
            PERSON_JSON.replace("\"ref\"", "\"re\\u0066\""),
            true,
            1,
        ),
        ("a list of 4", list(4), true, 0),
        ("a list of 5", list(5), true, 1),
        ("a list of 9", list(9), true, 2),
        ("a list of 17", list(17), true, 3),
        ("a map of 4", map(4), true, 0),
        ("a map of 5", map(5), true, 1),
        ("a map of 16", map(16), true, 2),
        // 3 for the vector, 17 keys copied and the set's table.
        ("a map of 17", map(17), true, 21),
    ];
    for (what, body, json, want) in cases {
        let (n, verdict) = allocations(|| {
            if json {
                check_json(body.as_bytes(), &c)
            } else {
                check_form(body.as_bytes(), &c)
            }
        });
        assert!(verdict.is_ok(), "{what}: {verdict:?}");
        assert_eq!(n, want, "{what}: {n} allocations");
    }
}
