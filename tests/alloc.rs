//! `check_json` and `check_form` allocate nothing on a valid body (whose keys and values need
//! no decoding): counted with a global allocator that counts, a deterministic test rather
//! than a timing. `validate_*` allocates (it builds the typed request), and so does the
//! error path; both are counted too, so the counter is seen working.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use token_validate::{Context, Date, Kind, check_form, check_json, validate_json};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
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

// The benchmark bodies (benches/validate.rs): Stripe's test card 4242424242424242
// (https://docs.stripe.com/testing) with every card field, and a person with ~20 fields
// (test id number 000000000, https://docs.stripe.com/connect/testing).
const CARD_JSON: &str = r#"{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2034,"cvc":"123","name":"Jenny Rosen","address_line1":"1 Main St","address_line2":"Apt 2","address_city":"San Francisco","address_state":"CA","address_zip":"94107","address_country":"US","currency":"usd","networks":{"preferred":"visa"}}}"#;
const CARD_FORM: &str = "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2034&card[cvc]=123&card[name]=Jenny&card[address_line1]=1-Main-St&card[address_city]=Paris&card[address_zip]=94107&card[address_country]=US&card[currency]=usd&card[networks][preferred]=visa&expand[0]=card&expand[1]=card.brand";
const PERSON_JSON: &str = r#"{"person":{"first_name":"Jenny","last_name":"Rosen","maiden_name":"Doe","email":"jenny.rosen@example.com","phone":"+14155550123","gender":"female","nationality":"US","id_number":"000000000","ssn_last_4":"0000","political_exposure":"none","dob":{"day":1,"month":2,"year":1990},"address":{"line1":"1 Main St","line2":"Apt 2","city":"San Francisco","state":"CA","postal_code":"94107","country":"US"},"metadata":{"ref":"42"}}}"#;
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
