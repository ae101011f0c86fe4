// A skipped field whose type has no `Default`: the struct derives, validates and encodes,
// and only building it from a body (`validate_form_as`, the axum extractor) is refused, at
// that call, naming the missing `Default`.
use token_validate::{Context, TokenRequest, validate_form_as};

struct Session;

#[derive(TokenRequest)]
#[token(kind = "card")]
struct CheckoutCard {
    number: String,
    exp_month: u8,
    exp_year: u16,
    #[token(skip)]
    session: Session,
}

fn main() {
    let card = CheckoutCard {
        number: "4242424242424242".into(),
        exp_month: 12,
        exp_year: 2034,
        session: Session,
    };
    let _ = card.validate(&Context::test_secret());
    let _ = card.to_form();
    let _ = validate_form_as::<CheckoutCard>(b"", &Context::test_secret());
}
