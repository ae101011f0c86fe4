//! Calls of the rule implementations: a local rule inline where its parameter is put, a
//! rule over several parameters at its object's end, the kind logic at the body's.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use token_spec::rules::BrandTable;
use token_spec::{Check, NodeId, Spec};

use super::ids::{kind_const, lit_usize, node_const, rule_const, v};
use super::names::field;

/// A brand table as an expression of type `&'static BrandTable`: a `static` in a block, so
/// that the table is data in the binary, built by nobody at run time.
fn brand_table(table: &BrandTable) -> TokenStream {
    let v = v();
    let cow = quote!(::std::borrow::Cow::Borrowed);
    let brands = table.brands.iter().map(|b| {
        let name = b.name.as_ref();
        let ranges = b.iin.iter().map(|r| {
            let (d, lo, hi) = (
                Literal::u8_unsuffixed(r.digits),
                Literal::u32_unsuffixed(r.low),
                Literal::u32_unsuffixed(r.high),
            );
            quote!(#v::IinRange { digits: #d, low: #lo, high: #hi })
        });
        let lengths = b.lengths.iter().map(|l| Literal::u8_unsuffixed(*l));
        quote! {
            #v::Brand {
                name: #cow(#name),
                iin: #cow(&[#(#ranges),*]),
                lengths: #cow(&[#(#lengths),*]),
            }
        }
    });
    quote! {{
        static BRANDS: #v::BrandTable = #v::BrandTable { brands: #cow(&[#(#brands),*]) };
        &BRANDS
    }}
}

/// The `strip` of the card number that a value's local rules read once for all of them
/// (`card_number`, bound by [`card_number_read`]): the strip of its first
/// `card_length_by_brand` or `luhn` rule, if it has one.
pub(super) fn card_number_strip<'s>(
    checks: impl IntoIterator<Item = &'s Check>,
) -> Option<&'s str> {
    checks.into_iter().find_map(|c| match c {
        Check::CardLengthByBrand { strip, .. } | Check::Luhn { strip } => Some(strip.as_str()),
        _ => None,
    })
}

/// The statement that reads `t` as a card number once, before its local rules.
pub(super) fn card_number_read(strip: &str) -> TokenStream {
    let v = v();
    quote!(let card_number = #v::rules::card_number(t, #strip);)
}

/// The state field that keeps the reading of the card number `number` for a sibling's
/// `cvc_length_by_brand` rule (which then reads no digit again): when the number's local
/// rules read it (`card_number`) with the strip that rule reads it with. Its put sets the
/// field to that reading when the value passes its type, to `None` else, so the field is
/// always the reading of the slot's text or `None` (the rule then reads the text).
pub(super) fn card_number_kept(spec: &Spec, number: NodeId) -> Option<proc_macro2::Ident> {
    let node = spec.node(number);
    let local = node
        .rules
        .iter()
        .map(|&r| &spec.rules[r].check)
        .filter(|c| c.is_local());
    let strip = card_number_strip(local)?;
    spec.rules
        .iter()
        .any(|r| {
            matches!(&r.check, Check::CvcLengthByBrand { number: n, strip: s, .. }
                if *n == number && s == strip)
        })
        .then(|| format_ident!("__card_number_{}", node.name))
}

/// The call of a local rule (one that judges the value alone) on `t`, as a condition that is
/// true when the value fails. With `card` (the strip of the value's card number, read once as
/// `card_number`), the card rules of that strip judge that reading instead of the text.
pub(super) fn local_rule_fails(check: &Check, card: Option<&str>) -> TokenStream {
    let v = v();
    let shared = |strip: &str| card == Some(strip);
    match check {
        // `digits_of` answers as `digits` when no strip character is a digit.
        Check::Digits { min, max, strip }
            if shared(strip) && !strip.bytes().any(|b| b.is_ascii_digit()) =>
        {
            let (min, max) = (lit_usize(*min), lit_usize(*max));
            quote!(!#v::rules::digits_of(card_number.as_ref(), #min, #max))
        }
        Check::Digits { min, max, strip } => {
            let (min, max) = (lit_usize(*min), lit_usize(*max));
            quote!(!#v::rules::digits(t, #min, #max, #strip))
        }
        Check::CardLengthByBrand { brands, strip } if shared(strip) => {
            let table = brand_table(brands);
            quote!(!#v::rules::card_length_by_brand_of(card_number.as_ref(), #table))
        }
        Check::CardLengthByBrand { brands, strip } => {
            let table = brand_table(brands);
            quote!(!#v::rules::card_length_by_brand(t, #strip, #table))
        }
        Check::Luhn { strip } if shared(strip) => {
            quote!(!#v::rules::luhn_of(card_number.as_ref()))
        }
        Check::Luhn { strip } => quote!(!#v::rules::luhn(t, #strip)),
        Check::Month { min, max } => {
            let (min, max) = (Literal::i64_unsuffixed(*min), Literal::i64_unsuffixed(*max));
            quote!(!#v::rules::month(t, #min, #max))
        }
        Check::ExpiryYear { max_years_ahead } => {
            let ahead = Literal::i64_unsuffixed(*max_years_ahead);
            quote!(!#v::rules::expiry_year(t, #ahead, run.ctx().today()))
        }
        Check::CountryCode => quote!(!#v::rules::country_code(t)),
        Check::CurrencyCode => quote!(!#v::rules::currency_code(t)),
        Check::Email => quote!(!#v::rules::email(t)),
        Check::JsonObject => quote!(!#v::rules::json_object(t)),
        Check::ApplePaySignedWithin { hours } => {
            let hours = Literal::i64_unsuffixed(*hours);
            quote!(!#v::rules::apple_pay_signed_within(t, #hours, run.ctx().today()))
        }
        // Judged at the end of their object (see `scope_rule`).
        Check::TokenKindRequired
        | Check::RequiredIf { .. }
        | Check::NoUnset
        | Check::OneTokenKind
        | Check::RequiresConnect
        | Check::IdOnlyWith { .. }
        | Check::ObjectOnlyWithout { .. }
        | Check::Exclusive
        | Check::ExpiryNotPast { .. }
        | Check::CvcLengthByBrand { .. }
        | Check::UsRoutingNumber { .. }
        | Check::Iban { .. }
        | Check::TestBankAccountNumber { .. }
        | Check::CalendarDate { .. }
        | Check::MaxEntries { .. }
        | Check::MaxKeyLength { .. }
        | Check::MaxValueLength { .. } => quote!(false),
    }
}

/// The code of a rule judged at the end of the object it is scoped to (`self` is that
/// object's state), or nothing for local rules.
pub(super) fn scope_rule(spec: &Spec, index: usize, siblings: &[NodeId]) -> TokenStream {
    let v = v();
    let rule = &spec.rules[index];
    let idx = rule_const(spec, index);
    let target = rule.target;
    let t_failed = {
        let n = node_const(spec, target);
        quote!(run.failed(#n))
    };
    let none = quote!(::core::option::Option::None);
    match &rule.check {
        Check::RequiredIf { when, equals } => {
            let (f, w) = (field(spec, target), field(spec, *when));
            quote! {
                if !alone && !#t_failed && !#v::rules::required_if(self.#f.is_present(), self.#w.text(), #equals) {
                    run.rule(#idx, #none);
                }
            }
        }
        Check::RequiresConnect => {
            let f = field(spec, target);
            quote! {
                if !#t_failed && !#v::rules::requires_connect(self.#f.is_present(), run.ctx().account()) {
                    run.rule(#idx, #none);
                }
            }
        }
        Check::IdOnlyWith { with } => {
            let (f, w) = (field(spec, target), field(spec, *with));
            quote! {
                if !#t_failed && !#v::rules::id_only_with(self.#f.object().is_some(), self.#w.is_present()) {
                    run.rule(#idx, #none);
                }
            }
        }
        Check::ObjectOnlyWithout { with } => {
            let (f, w) = (field(spec, target), field(spec, *with));
            quote! {
                if !#t_failed && !#v::rules::object_only_without(self.#f.text().is_some(), self.#w.is_present()) {
                    run.rule(#idx, self.#f.text());
                }
            }
        }
        Check::Exclusive => {
            let f = field(spec, target);
            let others: Vec<proc_macro2::Ident> = siblings
                .iter()
                .filter(|&&s| s != target)
                .map(|&s| field(spec, s))
                .collect();
            quote! {
                if !#t_failed && !#v::rules::exclusive(self.#f.is_present(), false #(|| self.#others.is_present())*) {
                    run.rule(#idx, #none);
                }
            }
        }
        Check::ExpiryNotPast { year } => {
            let (f, y) = (field(spec, target), field(spec, *year));
            let y_failed = node_const(spec, *year);
            quote! {
                if let ::core::option::Option::Some(t) = self.#f.text()
                    && !#t_failed
                    && !run.failed(#y_failed)
                    && !#v::rules::expiry_not_past(t, self.#y.text(), run.ctx().today())
                {
                    run.rule(#idx, ::core::option::Option::Some(t));
                }
            }
        }
        Check::CvcLengthByBrand {
            number,
            brands,
            strip,
        } => {
            let (f, nf) = (field(spec, target), field(spec, *number));
            let n_failed = node_const(spec, *number);
            let table = brand_table(brands);
            // The number's own reading when its put kept one (the same text, the same
            // strip), else its text read here.
            let read_text = quote!(self.#nf.text().and_then(|n| #v::rules::card_number(n, #strip)));
            let read = match card_number_kept(spec, *number) {
                Some(kept) => quote!(self.#kept.or_else(|| #read_text)),
                None => read_text,
            };
            quote! {
                if let ::core::option::Option::Some(t) = self.#f.text()
                    && !#t_failed
                {
                    let number = if run.failed(#n_failed) { #none } else { #read };
                    if !#v::rules::cvc_length_by_brand_of(t, number.as_ref(), #table) {
                        run.rule(#idx, ::core::option::Option::Some(t));
                    }
                }
            }
        }
        Check::UsRoutingNumber {
            country,
            when,
            check_digit,
        } => {
            let (f, c) = (field(spec, target), field(spec, *country));
            quote! {
                if let ::core::option::Option::Some(t) = self.#f.text()
                    && !#t_failed
                    && !#v::rules::us_routing_number(t, self.#c.text(), #when, #check_digit)
                {
                    run.rule(#idx, ::core::option::Option::Some(t));
                }
            }
        }
        Check::TestBankAccountNumber {
            country,
            numbers,
            ibans,
            any_country_ibans,
        } => {
            let (f, c) = (field(spec, target), field(spec, *country));
            quote! {
                if let ::core::option::Option::Some(t) = self.#f.text()
                    && !#t_failed
                    && !#v::rules::test_bank_account_number(
                        t,
                        self.#c.text(),
                        &#v::checks::TestBankNumbers {
                            numbers: &[#(#numbers),*],
                            ibans: &[#(#ibans),*],
                            any_country_ibans: &[#(#any_country_ibans),*],
                        },
                        run.ctx().mode(),
                    )
                {
                    run.rule(#idx, ::core::option::Option::Some(t));
                }
            }
        }
        Check::Iban { country, live_only } => {
            let (f, c) = (field(spec, target), field(spec, *country));
            quote! {
                if let ::core::option::Option::Some(t) = self.#f.text()
                    && !#t_failed
                    && !#v::rules::iban(t, self.#c.text(), #live_only, run.ctx().mode())
                {
                    run.rule(#idx, ::core::option::Option::Some(t));
                }
            }
        }
        Check::MaxEntries { max } => {
            let f = field(spec, target);
            let max = lit_usize(*max);
            quote! {
                if !#t_failed && !#v::rules::max_entries(self.#f.len(), #max) {
                    run.rule_limit(#idx, &self.#f.len().to_string(), #max);
                }
            }
        }
        Check::MaxKeyLength { max } | Check::MaxValueLength { max } => {
            let f = field(spec, target);
            let max = lit_usize(*max);
            let texts = match &rule.check {
                Check::MaxKeyLength { .. } => quote!(keys),
                _ => quote!(values),
            };
            quote! {
                if !#t_failed
                    && let ::core::option::Option::Some(t) =
                        self.#f.#texts().find(|t| !#v::rules::max_chars(t, #max))
                {
                    run.rule_limit(#idx, t, #max);
                }
            }
        }
        Check::CalendarDate { day, month, year } => {
            let (d, m, y) = (field(spec, *day), field(spec, *month), field(spec, *year));
            let parts = [
                node_const(spec, *day),
                node_const(spec, *month),
                node_const(spec, *year),
            ];
            // A part out of its range has its own error: the date is not judged then.
            quote! {
                if !#t_failed
                    #(&& !run.failed(#parts))*
                    && !#v::rules::calendar_date(self.#d.text(), self.#m.text(), self.#y.text())
                {
                    run.rule(#idx, #none);
                }
            }
        }
        // The request's own rules: see `kind_logic`.
        Check::TokenKindRequired => quote! {
            if !#v::rules::token_kind_required(kind.is_some()) {
                run.rule(#idx, #none);
            }
        },
        Check::OneTokenKind => quote! {
            let sent = self.sent_kinds();
            if !#v::rules::one_token_kind(sent.iter().filter(|p| **p).count()) {
                let names: ::std::vec::Vec<&str> = KIND_NAMES
                    .iter()
                    .zip(sent.iter())
                    .filter(|(_, p)| **p)
                    .map(|(n, _)| *n)
                    .collect();
                run.rule_values(#idx, names.join(", "));
            }
        },
        // Judged where the value is read (`put_method`, and `Unset::Forbid` for `no_unset`).
        Check::NoUnset
        | Check::Digits { .. }
        | Check::CardLengthByBrand { .. }
        | Check::Luhn { .. }
        | Check::Month { .. }
        | Check::ExpiryYear { .. }
        | Check::CountryCode
        | Check::CurrencyCode
        | Check::Email
        | Check::JsonObject
        | Check::ApplePaySignedWithin { .. } => quote!(),
    }
}

/// At the end of the body: whether the key may create the request's kind. Defines `present`
/// and `kind` for the request's rules.
pub(super) fn kind_logic(spec: &Spec) -> TokenStream {
    let v = v();
    let mut allowed: Vec<TokenStream> = Vec::new();
    for (i, k) in spec.kinds.iter().enumerate() {
        let i = kind_const(spec, i);
        for (key, modes) in &k.keys {
            let key = format_ident!("{}", format!("{key:?}"));
            for m in modes {
                let m = format_ident!("{}", format!("{m:?}"));
                allowed.push(quote!((#i, #v::KeyType::#key, #v::Mode::#m)));
            }
        }
    }
    let with_error: Vec<TokenStream> = spec
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| k.key_error.is_some())
        .map(|(i, _)| kind_const(spec, i))
        .collect();
    quote! {
        let present = self.present();
        let kind = self.kind_index();
        if let ::core::option::Option::Some(k) = kind
            && ::core::matches!(k, #(#with_error)|*)
            && !::core::matches!((k, run.ctx().key_type(), run.ctx().mode()), #(#allowed)|*)
        {
            run.key_not_allowed(k);
        }
    }
}
