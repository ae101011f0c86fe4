//! The validator states: one state type per object of the spec, whose code matches the
//! object's keys, checks each parameter's type, limit and enum inline and calls its rules.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use token_spec::{Check, NodeId, Spec, Ty};

use super::ids::{gate_const, kind_const, lit_usize, node_const, rule_const, v};
use super::names::{field, field_ident, state_name};
use super::rule_calls::{
    card_number_kept, card_number_read, card_number_strip, kind_logic, local_rule_fails, scope_rule,
};

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
            let i = rule_const(spec, i);
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
            let g = gate_const(spec, g);
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
            let g = gate_const(spec, g);
            let n = node_const(spec, id);
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
    let n = node_const(spec, id);
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
    let n = node_const(spec, id);
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

/// The rules a single-value child's value is checked against as it arrives (spec order).
fn local_rules(spec: &Spec, child: NodeId) -> Vec<usize> {
    spec.node(child)
        .rules
        .iter()
        .copied()
        .filter(|&r| spec.rules[r].check.is_local())
        .collect()
}

/// Whether a single-value child is only its type check (no local rule, no reading kept for
/// a sibling): its JSON member goes through the engine's one shared `json::plain`.
fn is_plain(spec: &Spec, child: NodeId) -> bool {
    local_rules(spec, child).is_empty() && card_number_kept(spec, child).is_none()
}

/// The `put_<name>` method of a single-value child: its type check, then its local rules in
/// spec order, each skipped once one fails.
fn put_method(spec: &Spec, child: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(child);
    let f = field_ident(&node.name);
    let put = format_ident!("put_{}", node.name);
    let n = node_const(spec, child);
    let ty = scalar_ty(&node.ty);
    let unset = unset_of(spec, child, node.unset);
    let local = local_rules(spec, child);
    // A card number is read once for all its rules.
    let card = card_number_strip(local.iter().map(|&r| &spec.rules[r].check));
    let read_card = card.map(card_number_read);
    let rules: Vec<TokenStream> = local
        .iter()
        .map(|&r| {
            let fails = local_rule_fails(&spec.rules[r].check, card);
            let idx = rule_const(spec, r);
            // A problem below the enforcement threshold is a warning: the value goes on to
            // its next rules.
            quote! {
                if #fails && run.rule(#idx, ::core::option::Option::Some(t)) {
                    return;
                }
            }
        })
        .collect();
    // A sibling's CVC rule reads the reading this put keeps (`None` unless the value
    // passed its type).
    let (forget, keep) = match card_number_kept(spec, child) {
        Some(kept) => (
            quote!(self.#kept = ::core::option::Option::None;),
            quote!(self.#kept = card_number;),
        ),
        None => (quote!(), quote!()),
    };
    let body = if is_plain(spec, child) {
        quote! { run.scalar_quick(&mut self.#f, #n, value, #ty, #unset); }
    } else {
        quote! {
            #forget
            if let ::core::option::Option::Some(t) = run.scalar(&mut self.#f, #n, value, #ty, #unset) {
                #read_card
                #keep
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

/// The state type of one object node and its impls.
pub(super) fn state(spec: &Spec, id: NodeId) -> TokenStream {
    let v = v();
    let node = spec.node(id);
    let name = state_name(spec, id);
    let this = node_const(spec, id);
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
        let n = node_const(spec, c);
        let guard = version_guard(spec, c);
        let note = version_note(spec, c);
        match field_of(spec, c) {
            Field::Scalar => {
                fields.push(quote!(pub #f: #v::Slot<'de>,));
                if let Some(kept) = card_number_kept(spec, c) {
                    fields.push(quote!(pub #kept: ::core::option::Option<#v::checks::CardNumber>,));
                }
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
                json_arms.push(if is_plain(spec, c) {
                    let ty = scalar_ty(&child.ty);
                    let unset = unset_of(spec, c, child.unset);
                    quote! {
                        #ji #guard => {
                            #note
                            #v::json::plain(run, sc, &mut self.#f, #n, #depth, #ty, #unset)?
                        }
                    }
                } else {
                    quote! {
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
            let n = node_const(spec, c);
            // A top-level parameter (`pk_token`) may stand in for it: the body marked it
            // before its objects finish.
            let lifters: Vec<TokenStream> = spec
                .node(c)
                .required_unless
                .iter()
                .map(|&l| {
                    let l = node_const(spec, l);
                    quote!(&& !run.marked(#l))
                })
                .collect();
            // Before a gate that changed the error (card fields before 2015-10-12: 402),
            // the gate's error.
            let missing = match spec.missing_gate(c) {
                Some(g) => {
                    let g = gate_const(spec, g);
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
                let n = node_const(spec, l);
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
            let g = gate_const(spec, g);
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

/// Which kinds the body has, and its kind: the first present, else the kind a present
/// parameter implies (`customer` alone is a card token).
pub(super) fn kind_methods(
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
            let i = kind_const(spec, i);
            quote!(.or_else(|| self.#f.is_present().then_some(#i)))
        })
        .collect();
    let variants: Vec<&proc_macro2::Ident> = kinds.iter().map(|k| &k.0).collect();
    let idx: Vec<TokenStream> = (0..kinds.len()).map(|i| kind_const(spec, i)).collect();
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
