//! `#[derive(TokenRequest)]` from a crate that depends on `token-validate` only (not on
//! `token-derive` or `token-spec`): the derive's paths must resolve through
//! `::token_validate`.

use token_validate::{Context, Date, TokenRequest};

#[derive(TokenRequest)]
#[token(kind = "card")]
struct CheckoutCard {
    number: String,
    exp_month: u8,
    exp_year: u16,
    cvc: Option<String>,
    #[token(param = "address_zip")]
    postal_code: Option<String>,
    #[token(skip)]
    cart_id: u64,
}

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Onboarding {
    first_name: String,
    #[token(param = "dob[day]")]
    day: u8,
    #[token(param = "dob[month]")]
    month: u8,
    #[token(param = "dob[year]")]
    year: u16,
    #[token(param = "address[line1]")]
    street: Option<String>,
}

fn report<T: TokenRequest>(name: &str, req: &T, ctx: &Context) {
    match req.validate(ctx) {
        Ok(()) => println!("{name} ({}): ok {}", T::KIND, req.to_form()),
        Err(errors) => {
            let e = errors.first();
            println!(
                "{name} ({}): {} {} code={} param={}: {}",
                T::KIND,
                errors.status(),
                e.error_type,
                e.code.as_deref().unwrap_or("-"),
                e.param.as_deref().unwrap_or("-"),
                e.message,
            );
        }
    }
}

fn main() {
    let ctx = Context::from_key("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .unwrap()
        .with_today(Date::new(2026, 11, 29).unwrap());
    let card = CheckoutCard {
        number: "4242424242424242".into(),
        exp_month: 12,
        exp_year: 2034,
        cvc: Some("123".into()),
        postal_code: Some("94107".into()),
        cart_id: 7,
    };
    println!("cart {}", card.cart_id);
    report("card", &card, &ctx);
    let bad = CheckoutCard {
        number: "4242424242424241".into(),
        ..card
    };
    report("bad card", &bad, &ctx);
    let person = Onboarding {
        first_name: "Jenny".into(),
        day: 29,
        month: 2,
        year: 2000,
        street: Some("1 Main St".into()),
    };
    report("person", &person, &ctx);
    let live = Context::from_key("sk_live_4eC39HqLyjWDarjtT1zdp7dc").unwrap();
    report("person, live key", &person, &live);
}
