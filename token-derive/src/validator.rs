//! The validators of the request types, generated from the compiled spec: one state type per
//! object of the spec (the request body, `card`, `person[dob]`, …) whose code matches the
//! object's keys with a `match`, checks each parameter's type, limit and enum inline, calls
//! the one implementation of each of its rules in `token_validate::rules` with the rule's
//! arguments written in as constants, and judges the rules that read several parameters at
//! the object's end. The same state reads form pairs, JSON members and the pairs a typed value
//! writes, and builds the typed request once the body is valid.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use token_spec::rules::BrandTable;
use token_spec::{Check, ItemTy, NodeId, Spec, Ty};

use crate::generate::{field_ident, int_type, item_enum_name, or_id_name, type_name};

/// The runtime module the generated validators call.
fn v() -> TokenStream {
    quote!(::token_validate::__private::v)
}

/// `NodeId(n)`.
fn nid(id: NodeId) -> TokenStream {
    let v = v();
    let n = Literal::u32_unsuffixed(id.0);
    quote!(#v::NodeId(#n))
}

fn lit_usize(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// The name of a node's state type: `CardState`, `RequestState` for the body.
pub fn state_name(spec: &Spec, id: NodeId) -> proc_macro2::Ident {
    if id == NodeId::ROOT {
        format_ident!("RequestState")
    } else {
        format_ident!("{}State", type_name(&spec.node(id).path))
    }
}

/// What `""` means for a node (or its items): refused, accepted, or forbidden by the
/// `no_unset` rule whose object holds it.
fn unset_of(spec: &Spec, id: NodeId, allowed: bool) -> TokenStream {
    let v = v();
    if !allowed {
        return quote!(#v::Unset::Refuse);
    }
    let forbid = spec
        .rules
        .iter()
        .position(|r| r.check == Check::NoUnset && spec.is_within(id, r.target));
    match forbid {
        Some(i) => {
            let i = lit_usize(i);
            quote!(#v::Unset::Forbid(#i))
        }
        None => quote!(#v::Unset::Accept),
    }
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(::core::option::Option::Some(#n))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// The `ScalarTy` of a single-value type.
fn scalar_ty(ty: &Ty) -> TokenStream {
    let v = v();
    match ty {
        Ty::String { max_length, .. } => {
            let max = opt_u64(*max_length);
            quote!(#v::ScalarTy::String { max: #max })
        }
        Ty::Integer {
            from_string: Some(max),
            ..
        } => {
            let max = opt_u64(*max);
            quote!(#v::ScalarTy::FromString { max: #max })
        }
        Ty::Integer { min, max, .. } => {
            let opt = |b: Option<i64>| match b {
                Some(n) => {
                    let n = Literal::i64_unsuffixed(n);
                    quote!(::core::option::Option::Some(#n))
                }
                None => quote!(::core::option::Option::None),
            };
            let (min, max) = (opt(*min), opt(*max));
            quote!(#v::ScalarTy::Integer { min: #min, max: #max })
        }
        Ty::Number => quote!(#v::ScalarTy::Number),
        Ty::Boolean => quote!(#v::ScalarTy::Boolean),
        Ty::Enum { open: true, .. } => quote!(#v::ScalarTy::OpenEnum),
        Ty::Enum { values, .. } => {
            quote!(#v::ScalarTy::Enum(|t: &str| ::core::matches!(t, #(#values)|*)))
        }
        Ty::Array { .. } | Ty::Map | Ty::Object { .. } => quote!(#v::ScalarTy::OpenEnum),
    }
}

/// The kind of slot a child has.
enum Field {
    Scalar,
    Object,
    Array,
    Map,
    /// A list of objects of an older API version: accepted, its elements not checked.
    Unchecked,
}

fn field_of(spec: &Spec, id: NodeId) -> Field {
    let node = spec.node(id);
    match &node.ty {
        Ty::Object { .. } if node.list => Field::Unchecked,
        Ty::Object { .. } => Field::Object,
        Ty::Array { .. } => Field::Array,
        Ty::Map => Field::Map,
        _ => Field::Scalar,
    }
}

/// The guard of a child's match arms: a parameter of an older API version only (a gate's
/// `removed`) is known only to a request of a version before that gate; for the others the
/// arm falls through to the unknown parameter's.
fn version_guard(spec: &Spec, id: NodeId) -> TokenStream {
    match spec.node(id).until {
        Some(g) => {
            let g = lit_usize(g);
            quote!(if run.before(#g))
        }
        None => quote!(),
    }
}

/// What a child's arms do first: one of today's parameters that came with a breaking change
/// (a gate's `added`), sent by a request of an older version, gets the gate's warning.
fn version_note(spec: &Spec, id: NodeId) -> TokenStream {
    match spec.node(id).added_at {
        Some(g) => {
            let g = lit_usize(g);
            let n = nid(id);
            quote! {
                if run.before(#g) {
                    run.gate_added(#g, #n);
                }
            }
        }
        None => quote!(),
    }
}

/// `ObjectTy { … }` of an object node.
fn object_ty(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let n = nid(id);
    let idd = match &node.ty {
        Ty::Object {
            or_id: Some(idd), ..
        } => {
            let max = opt_u64(idd.max_length);
            quote!(::core::option::Option::Some(#max))
        }
        _ => quote!(::core::option::Option::None),
    };
    let unset = unset_of(spec, id, node.unset);
    quote!(&#v::ObjectTy { node: #n, id: #idd, unset: #unset })
}

/// `ArrayTy { … }` of an array node.
fn array_ty(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let n = nid(id);
    let Ty::Array { items } = &node.ty else {
        return quote!();
    };
    let item = scalar_ty(&items.ty.as_ty());
    // A list's `""` is how a form sends an empty list (stripe-go, stripe-java and
    // stripe-dotnet send an explicitly empty list as `key=`; JSON's `[]` is read as
    // nothing sent): no unset that `no_unset` forbids (tokens cannot unset values).
    let unset = if node.unset {
        quote!(#v::Unset::Accept)
    } else {
        unset_of(spec, id, false)
    };
    let item_unset = unset_of(spec, id, items.unset);
    quote!(&#v::ArrayTy { node: #n, unset: #unset, item: #item, item_unset: #item_unset })
}

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

/// The call of a local rule (one that judges the value alone) on `t`, as a condition that is
/// true when the value fails.
fn local_rule_fails(check: &Check) -> TokenStream {
    let v = v();
    match check {
        Check::Digits { min, max, strip } => {
            let (min, max) = (lit_usize(*min), lit_usize(*max));
            quote!(!#v::rules::digits(t, #min, #max, #strip))
        }
        Check::CardLengthByBrand { brands, strip } => {
            let table = brand_table(brands);
            quote!(!#v::rules::card_length_by_brand(t, #strip, #table))
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

/// The `put_<name>` method of a single-value child: its type check, then its local rules in
/// spec order, each skipped once one fails.
fn put_method(spec: &Spec, child: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(child);
    let f = field_ident(&node.name);
    let put = format_ident!("put_{}", node.name);
    let n = nid(child);
    let ty = scalar_ty(&node.ty);
    let unset = unset_of(spec, child, node.unset);
    let rules: Vec<TokenStream> = node
        .rules
        .iter()
        .filter(|&&r| spec.rules[r].check.is_local())
        .map(|&r| {
            let fails = local_rule_fails(&spec.rules[r].check);
            let idx = lit_usize(r);
            // A problem below the enforcement threshold is a warning: the value goes on to
            // its next rules.
            quote! {
                if #fails && run.rule(#idx, ::core::option::Option::Some(t)) {
                    return;
                }
            }
        })
        .collect();
    let body = if rules.is_empty() {
        quote! { let _ = run.scalar(&mut self.#f, #n, value, #ty, #unset); }
    } else {
        quote! {
            if let ::core::option::Option::Some(t) = run.scalar(&mut self.#f, #n, value, #ty, #unset) {
                #(#rules)*
            }
        }
    };
    quote! {
        #[inline]
        fn #put(&mut self, run: &mut #v::Run<'_>, value: #v::Text<'de>) {
            #body
        }
    }
}

/// How a rule judged at the end of its scope reads a node of that scope.
fn field(spec: &Spec, id: NodeId) -> proc_macro2::Ident {
    field_ident(&spec.node(id).name)
}

/// The code of a rule judged at the end of the object it is scoped to (`self` is that
/// object's state), or nothing for local rules.
fn scope_rule(spec: &Spec, index: usize, siblings: &[NodeId]) -> TokenStream {
    let v = v();
    let rule = &spec.rules[index];
    let idx = lit_usize(index);
    let target = rule.target;
    let t_failed = {
        let n = nid(target);
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
            let y_failed = nid(*year);
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
            let n_failed = nid(*number);
            let table = brand_table(brands);
            quote! {
                if let ::core::option::Option::Some(t) = self.#f.text()
                    && !#t_failed
                {
                    let number = if run.failed(#n_failed) { #none } else { self.#nf.text() };
                    if !#v::rules::cvc_length_by_brand(t, number, #strip, #table) {
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
            let parts = [nid(*day), nid(*month), nid(*year)];
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

/// The state type of one object node and its impls.
fn state(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let name = state_name(spec, id);
    let this = nid(id);
    let depth = lit_usize(node.depth() + 1);
    // Which parameter a JSON key names: its length picks the names of that length, compared
    // in place (a constant length: a few word compares), else none (`children.len()`).
    let which = {
        let mut by_len: std::collections::BTreeMap<usize, Vec<(usize, Literal)>> =
            std::collections::BTreeMap::new();
        for (ci, &c) in node.children.iter().enumerate() {
            let name = &spec.node(c).name;
            by_len
                .entry(name.len())
                .or_default()
                .push((ci, Literal::byte_string(name.as_bytes())));
        }
        let none = lit_usize(node.children.len());
        let arms = by_len.iter().map(|(len, names)| {
            let len = lit_usize(*len);
            let tests = names.iter().map(|(ci, b)| {
                let ci = lit_usize(*ci);
                quote!(if k == #b { #ci } else)
            });
            quote!(#len => #(#tests)* { #none },)
        });
        quote! {
            match k.len() {
                #(#arms)*
                _ => #none,
            }
        }
    };
    // Room for the longest parameter name of the object: an escaped key that decodes to one
    // of them fits (a longer one matches none, and is decoded onto the heap).
    let key_buf = lit_usize(
        node.children
            .iter()
            .map(|&c| spec.node(c).name.len())
            .max()
            .unwrap_or(0),
    );
    let mut fields = Vec::new();
    let mut puts = Vec::new();
    let mut form_arms = Vec::new();
    let mut json_arms = Vec::new();
    let mut gaps = Vec::new();
    let mut finish_children = Vec::new();
    for (ci, &c) in node.children.iter().enumerate() {
        let child = spec.node(c);
        let f = field_ident(&child.name);
        let key = &child.name;
        let ji = lit_usize(ci);
        let n = nid(c);
        let guard = version_guard(spec, c);
        let note = version_note(spec, c);
        match field_of(spec, c) {
            Field::Scalar => {
                fields.push(quote!(pub #f: #v::Slot<'de>,));
                puts.push(put_method(spec, c));
                let put = format_ident!("put_{}", child.name);
                form_arms.push(quote! {
                    #key #guard => {
                        #note
                        if let ::core::option::Option::Some(value) = run.form_scalar(&mut self.#f, #n, rest, value) {
                            self.#put(run, value);
                        }
                    }
                });
                json_arms.push(quote! {
                    #ji #guard => {
                        #note
                        if self.#f.is_present() {
                            return ::core::result::Result::Err(#v::json::duplicate(run, sc, #v::json::JPath::Node(#n)));
                        }
                        match #v::json::scalar(run, sc, #depth, #v::json::JPath::Node(#n))? {
                            #v::json::JsonScalar::Text(value) => self.#put(run, value),
                            #v::json::JsonScalar::Shape(shape) => run.scalar_shape(&mut self.#f, #n, shape),
                        }
                    }
                });
            }
            Field::Object => {
                let st = state_name(spec, c);
                fields.push(quote!(pub #f: #v::ObjectSlot<'de, #st<'de>>,));
                let ty = object_ty(spec, c);
                form_arms.push(quote! {
                    #key #guard => {
                        #note
                        if let ::core::option::Option::Some((state, value)) = run.form_object(&mut self.#f, #ty, rest, value) {
                            #v::State::dispatch(state, run, rest, value);
                        }
                    }
                });
                json_arms.push(quote! {
                    #ji #guard => {
                        #note
                        if self.#f.is_present() {
                            return ::core::result::Result::Err(#v::json::duplicate(run, sc, #v::json::JPath::Node(#n)));
                        }
                        #v::json::object(run, sc, &mut self.#f, #ty, #depth)?;
                    }
                });
                gaps.push(quote! {
                    if let ::core::option::Option::Some(state) = self.#f.object() {
                        #v::State::structure(state, run, offset_of);
                    }
                });
                finish_children.push(quote! {
                    if let ::core::option::Option::Some(state) = self.#f.object() {
                        #v::State::finish(state, run);
                    }
                });
            }
            Field::Array => {
                fields.push(quote!(pub #f: #v::ArraySlot<'de>,));
                let ty = array_ty(spec, c);
                form_arms.push(quote! {
                    #key #guard => {
                        #note
                        run.form_array(&mut self.#f, #ty, rest, value)
                    }
                });
                json_arms.push(quote! {
                    #ji #guard => {
                        #note
                        if self.#f.is_present() {
                            return ::core::result::Result::Err(#v::json::duplicate(run, sc, #v::json::JPath::Node(#n)));
                        }
                        #v::json::array(run, sc, &mut self.#f, #ty, #depth)?;
                    }
                });
                gaps.push(quote! {
                    run.array_gaps(&self.#f, #n, &mut *offset_of);
                });
            }
            Field::Map => {
                fields.push(quote!(pub #f: #v::MapSlot<'de>,));
                let unset = unset_of(spec, c, child.unset);
                form_arms.push(quote! {
                    #key #guard => {
                        #note
                        run.form_map(&mut self.#f, #n, #unset, rest, value)
                    }
                });
                json_arms.push(quote! {
                    #ji #guard => {
                        #note
                        if self.#f.is_present() {
                            return ::core::result::Result::Err(#v::json::duplicate(run, sc, #v::json::JPath::Node(#n)));
                        }
                        #v::json::map(run, sc, &mut self.#f, #n, #unset, #depth)?;
                    }
                });
            }
            Field::Unchecked => {
                fields.push(quote!(pub #f: #v::Unchecked,));
                form_arms.push(quote! {
                    #key #guard => {
                        #note
                        self.#f.sent();
                    }
                });
                json_arms.push(quote! {
                    #ji #guard => {
                        #note
                        if self.#f.is_present() {
                            return ::core::result::Result::Err(#v::json::duplicate(run, sc, #v::json::JPath::Node(#n)));
                        }
                        self.#f.sent();
                        #v::json::skip(run, sc, #depth, #v::json::JPath::Node(#n))?;
                    }
                });
            }
        }
    }

    // Required parameters, in the order Stripe checks them (a kind's `order` first), unless
    // a present parameter stands alone (`exclusive`).
    let order: Vec<NodeId> = spec
        .kinds
        .iter()
        .find(|k| k.node == id)
        .map(|k| k.order.clone())
        .unwrap_or_default();
    let in_order: Vec<NodeId> = order
        .iter()
        .copied()
        .chain(node.children.iter().copied().filter(|c| !order.contains(c)))
        .collect();
    let missing: Vec<TokenStream> = in_order
        .iter()
        .filter(|&&c| spec.node(c).required)
        .map(|&c| {
            let f = field(spec, c);
            let n = nid(c);
            // A top-level parameter (`pk_token`) may stand in for it: the body marked it
            // before its objects finish.
            let lifters: Vec<TokenStream> = spec
                .node(c)
                .required_unless
                .iter()
                .map(|&l| {
                    let l = nid(l);
                    quote!(&& !run.marked(#l))
                })
                .collect();
            // Before a gate that changed the error (card fields before 2015-10-12: 402),
            // the gate's error.
            let missing = match spec.missing_gate(c) {
                Some(g) => {
                    let g = lit_usize(g);
                    quote!(run.missing_gated(#n, #g))
                }
                None => quote!(run.missing(#n)),
            };
            quote! {
                if self.#f.is_absent() #(#lifters)* {
                    #missing;
                }
            }
        })
        .collect();
    // The body marks the parameters that lift a requirement, before its objects finish.
    let marks: Vec<TokenStream> = if id == NodeId::ROOT {
        spec.requirement_lifters()
            .into_iter()
            .map(|l| {
                let f = field(spec, l);
                let n = nid(l);
                quote! {
                    if self.#f.is_present() {
                        run.mark(#n);
                    }
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let exclusive: Vec<proc_macro2::Ident> = node
        .children
        .iter()
        .filter(|&&c| spec.is_exclusive(c))
        .map(|&c| field(spec, c))
        .collect();
    let alone = quote!(let alone = false #(|| self.#exclusive.is_present())*;);
    let scope_rules: Vec<TokenStream> = spec
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.scope == id && !r.check.is_local() && r.check != Check::NoUnset)
        .map(|(i, _)| scope_rule(spec, i, &node.children))
        .collect();
    let all: Vec<proc_macro2::Ident> = node.children.iter().map(|&c| field(spec, c)).collect();
    let has_required = node.children.iter().any(|&c| spec.node(c).required);
    let kind_logic = if id == NodeId::ROOT {
        kind_logic(spec)
    } else {
        quote!()
    };
    // A parameter the spec does not know: one learned from a newer OpenAPI document at run
    // time (checked as it states), else refused, unless the request's version is before a
    // gate under which Stripe ignored unknown parameters here.
    let unknown_gate = match spec.unknown_gate(id) {
        Some(g) => {
            let g = lit_usize(g);
            quote!(::core::option::Option::Some(#g))
        }
        None => quote!(::core::option::Option::None),
    };

    quote! {
        #[doc(hidden)]
        #[derive(Default)]
        pub struct #name<'de> {
            #(#fields)*
        }

        impl<'de> #name<'de> {
            #(#puts)*
        }

        impl<'de> #v::State<'de> for #name<'de> {
            fn dispatch(&mut self, run: &mut #v::Run<'_>, segs: &[#v::Seg<'_, 'de>], value: #v::Text<'de>) {
                let ::core::option::Option::Some((seg, rest)) = segs.split_first() else {
                    return;
                };
                match seg.text {
                    #(#form_arms)*
                    other => run.unknown_form(#this, other, rest, &value, #unknown_gate),
                }
            }

            fn visit_json(
                &mut self,
                run: &mut #v::Run<'_>,
                sc: &mut #v::json::Scanner<'de>,
            ) -> ::core::result::Result<(), #v::json::Stop> {
                // A key with a `\` escape is decoded here first; the others are the body's
                // own bytes, compared by length, then bytes.
                let mut buf = [0u8; #key_buf];
                while let ::core::option::Option::Some(key) = sc.next_key()? {
                    let key = key.decode(&mut buf);
                    let k = key.as_bytes();
                    let which: usize = #which;
                    match which {
                        #(#json_arms)*
                        _ => #v::json::unknown_member(run, sc, #this, &key, #depth, #unknown_gate)?,
                    }
                }
                ::core::result::Result::Ok(())
            }

            #[allow(unused_variables)]
            fn structure(&self, run: &mut #v::Run<'_>, offset_of: &mut dyn FnMut(&str) -> usize) {
                #(#gaps)*
            }

            fn is_empty(&self) -> bool {
                true #(&& self.#all.is_absent())*
            }

            const REQUIRED: bool = #has_required;

            #[allow(unused_variables)]
            fn finish(&self, run: &mut #v::Run<'_>) {
                #(#marks)*
                #(#finish_children)*
                #alone
                if !alone {
                    #(#missing)*
                }
                #kind_logic
                #(#scope_rules)*
            }
        }
    }
}

/// At the end of the body: whether the key may create the request's kind. Defines `present`
/// and `kind` for the request's rules.
fn kind_logic(spec: &Spec) -> TokenStream {
    let v = v();
    let mut allowed: Vec<TokenStream> = Vec::new();
    for (i, k) in spec.kinds.iter().enumerate() {
        let i = lit_usize(i);
        for (key, modes) in &k.keys {
            let key = format_ident!("{}", format!("{key:?}"));
            for m in modes {
                let m = format_ident!("{}", format!("{m:?}"));
                allowed.push(quote!((#i, #v::KeyType::#key, #v::Mode::#m)));
            }
        }
    }
    let with_error: Vec<Literal> = spec
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| k.key_error.is_some())
        .map(|(i, _)| lit_usize(i))
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

/// Which kinds the body has, and its kind: the first present, else the kind a present
/// parameter implies (`customer` alone is a card token).
fn kind_methods(
    spec: &Spec,
    kinds: &[(proc_macro2::Ident, proc_macro2::Ident, NodeId)],
) -> TokenStream {
    let present: Vec<proc_macro2::Ident> = spec.kinds.iter().map(|k| field(spec, k.node)).collect();
    let n = lit_usize(present.len());
    // A kind's parameters sent: its own, or a top-level one of its alone (`pk_token` and
    // its companions for `card`).
    let sent: Vec<TokenStream> = spec
        .kinds
        .iter()
        .map(|k| {
            let own = field(spec, k.node);
            let others: Vec<proc_macro2::Ident> = spec
                .node(NodeId::ROOT)
                .children
                .iter()
                .filter(|&&c| spec.only_kind(c) == Some(k.name.as_str()))
                .map(|&c| field(spec, c))
                .collect();
            quote!(self.#own.is_present() #(|| self.#others.is_present())*)
        })
        .collect();
    let implied: Vec<TokenStream> = spec
        .kinds
        .iter()
        .enumerate()
        .flat_map(|(i, k)| k.implied_by.iter().map(move |&p| (i, p)))
        .map(|(i, p)| {
            let f = field(spec, p);
            let i = lit_usize(i);
            quote!(.or_else(|| self.#f.is_present().then_some(#i)))
        })
        .collect();
    let variants: Vec<&proc_macro2::Ident> = kinds.iter().map(|k| &k.0).collect();
    let idx: Vec<Literal> = (0..kinds.len()).map(lit_usize).collect();
    let names: Vec<&String> = spec.kinds.iter().map(|k| &k.name).collect();
    quote! {
        /// The kinds' names, in spec order.
        const KIND_NAMES: &[&str] = &[#(#names),*];

        impl<'de> RequestState<'de> {
            /// Which kinds' parameters the body has, in spec order.
            fn present(&self) -> [bool; #n] {
                [#(self.#present.is_present()),*]
            }
            /// Which kinds the body sends parameters of: a kind's own, or a top-level
            /// parameter of that kind alone (one kind per request).
            fn sent_kinds(&self) -> [bool; #n] {
                [#(#sent),*]
            }
            /// The index of the request's kind.
            fn kind_index(&self) -> ::core::option::Option<usize> {
                self.present().iter().position(|p| *p) #(#implied)*
            }
            /// The kind of the request, once the body is read.
            #[doc(hidden)]
            pub fn kind(&self) -> ::core::option::Option<super::Kind> {
                match self.kind_index()? {
                    #( #idx => ::core::option::Option::Some(super::Kind::#variants), )*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Building the typed request
// ---------------------------------------------------------------------------------------

/// The conversion of one value text into the node's Rust type (without `MaybeUnset`), as a
/// closure `|t: Text| -> Option<T>`.
fn from_text(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    match &node.ty {
        Ty::String { .. } => quote!(#v::build::string),
        Ty::Integer { min, max, .. } => {
            let t = int_type(*min, *max);
            quote!(#v::build::parse::<#t>)
        }
        Ty::Number => quote!(#v::build::parse::<::token_validate::Decimal>),
        Ty::Boolean => quote!(#v::build::boolean),
        Ty::Enum { .. } => {
            let n = type_name(&node.path);
            quote!(#n::__from_text)
        }
        Ty::Array { .. } | Ty::Map | Ty::Object { .. } => quote!(#v::build::string),
    }
}

/// An expression of type `Result<Option<T>, BuildError>` taking the node's value out of
/// `self.<field>`, where `T` is the node's Rust type (`value_type`).
fn build_expr(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let f = field(spec, id);
    let unset = node.unset;
    match &node.ty {
        Ty::Array { items } => {
            let item_conv = match &items.ty {
                ItemTy::Enum { .. } => {
                    let n = item_enum_name(&node.path);
                    quote!(#n::__from_text)
                }
                ItemTy::String { .. } => quote!(#v::build::string),
                ItemTy::Integer => quote!(#v::build::parse::<i64>),
                ItemTy::Number => quote!(#v::build::parse::<::token_validate::Decimal>),
                ItemTy::Boolean => quote!(#v::build::boolean),
            };
            let item = if items.unset {
                quote!(|i| #v::build::item_unset(i, #item_conv))
            } else {
                quote!(|i| #v::build::item(i, #item_conv))
            };
            if unset {
                quote!(#v::build::list_unset(&mut self.#f, #item))
            } else {
                quote!(#v::build::list(&mut self.#f, #item))
            }
        }
        Ty::Map => {
            if unset {
                quote!(#v::build::map_unset(&mut self.#f))
            } else {
                quote!(#v::build::map(&mut self.#f))
            }
        }
        Ty::Object { or_id, .. } => {
            let details = type_name(&node.path);
            let inner = quote!(|s| s.build());
            match or_id {
                Some(_) => {
                    let en = or_id_name(&node.path);
                    quote!(#v::build::or_id(&mut self.#f, #en::Id, |s| s.build().map(#en::Details)))
                }
                None if unset => {
                    quote!(#v::build::object_unset::<_, #details>(&mut self.#f, #inner))
                }
                None => quote!(#v::build::object::<_, #details>(&mut self.#f, #inner)),
            }
        }
        _ => {
            let conv = from_text(spec, id);
            if unset {
                quote!(#v::build::scalar_unset(&mut self.#f, #conv))
            } else {
                quote!(#v::build::scalar(&mut self.#f, #conv))
            }
        }
    }
}

/// `fn build(&mut self) -> Result<T, BuildError>` of an object's state (not the root's).
fn build_impl(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let name = state_name(spec, id);
    let ty = type_name(&node.path);
    let fields: Vec<TokenStream> = node
        .children
        .iter()
        // A list of objects of an older version is not held (its elements are not checked).
        .filter(|&&c| !spec.is_alias(c) && !spec.node(c).list)
        .map(|&c| {
            let f = field(spec, c);
            // A parameter sent under an older name (an alias) is held under today's.
            let e = spec
                .node(c)
                .aliases
                .iter()
                .fold(build_expr(spec, c), |e, &a| {
                    let alias = build_expr(spec, a);
                    quote!(#v::build::either(#e, #alias))
                });
            if spec.always_required(c) {
                quote!(#f: #v::build::required(#e)?,)
            } else {
                quote!(#f: #e?,)
            }
        })
        .collect();
    quote! {
        impl<'de> #name<'de> {
            #[doc(hidden)]
            pub fn build(&mut self) -> ::core::result::Result<super::#ty, #v::build::BuildError> {
                ::core::result::Result::Ok(super::#ty {
                    #(#fields)*
                })
            }
        }
    }
}

/// The root's `into_request`: the typed request of the kind found.
fn request_build(
    spec: &Spec,
    kinds: &[(proc_macro2::Ident, proc_macro2::Ident, NodeId)],
) -> TokenStream {
    let v = v();
    let arms: Vec<TokenStream> = kinds
        .iter()
        .map(|(variant, body, knode)| {
            let params = spec
                .kinds
                .iter()
                .find(|k| k.node == *knode)
                .map(|k| spec.body_params(k))
                .unwrap_or_default();
            let fields: Vec<TokenStream> = params
                .iter()
                .map(|&p| {
                    let f = field(spec, p);
                    let e = build_expr(spec, p);
                    if crate::generate::body_field_required(spec, *knode, p) {
                        quote!(#f: #v::build::required(#e)?,)
                    } else {
                        quote!(#f: #e?,)
                    }
                })
                .collect();
            quote! {
                super::Kind::#variant => super::Request::#variant(super::#body { #(#fields)* }),
            }
        })
        .collect();
    quote! {
        impl<'de> RequestState<'de> {
            /// The typed request of a valid body of this kind.
            #[doc(hidden)]
            pub fn into_request(&mut self, kind: super::Kind) -> ::core::result::Result<super::Request, #v::build::BuildError> {
                ::core::result::Result::Ok(match kind {
                    #(#arms)*
                })
            }
        }
    }
}

/// The states of every object of the spec, their builders, and the body's kind logic.
pub fn validators(
    spec: &Spec,
    kinds: &[(proc_macro2::Ident, proc_macro2::Ident, NodeId)],
) -> TokenStream {
    let objects: Vec<NodeId> = spec
        .nodes()
        .iter()
        .enumerate()
        // A list of objects of an older version is accepted unchecked: no state of its own.
        .filter(|(_, n)| matches!(n.ty, Ty::Object { .. }) && !n.list)
        .map(|(i, _)| NodeId(i as u32))
        .collect();
    let states: Vec<TokenStream> = objects.iter().map(|&id| state(spec, id)).collect();
    let builds: Vec<TokenStream> = objects
        .iter()
        .filter(|&&id| id != NodeId::ROOT)
        .map(|&id| build_impl(spec, id))
        .collect();
    let request = request_build(spec, kinds);
    let kind = kind_methods(spec, kinds);
    quote! {
        /// The validators the spec compiles to: one state per object. Used by
        /// `check_*`/`validate_*`; not a public interface.
        #[doc(hidden)]
        pub mod state {
            #![allow(unused_imports)]
            use super::*;

            #(#states)*
            #(#builds)*
            #request
            #kind
        }
    }
}
