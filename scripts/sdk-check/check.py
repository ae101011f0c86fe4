"""Stripe's Python SDK against `token-validate serve --mock`: every token kind and the
usual errors, checked on the SDK's own objects. Run by run.sh (BASE_URL set, the pinned
`stripe` package on PYTHONPATH). Prints one line per case and a summary; exits 1 on any
failure."""

import datetime
import os
import sys
import traceback

import stripe

BASE = os.environ["BASE_URL"]  # e.g. http://127.0.0.1:4242
BUNDLED = os.environ["BUNDLED_VERSION"]  # the spec's API version
KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
PK = "pk_test_TYooMQauvdEDq54NiTphI7jx"

# The lines an application changes to use `serve`:
stripe.api_key = KEY
stripe.api_base = BASE
stripe.max_network_retries = 0

results = []


def case(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
            print(f"ok   {name}")
        except Exception as e:  # noqa: BLE001 - a case report, not error handling
            results.append((name, e))
            print(f"FAIL {name}: {e!r}")
            traceback.print_exc(limit=2)
        return fn

    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# serve reads today's date from the clock: the expiry is derived from it (five years ahead,
# in UTC as serve counts), so the valid cards stay valid whatever the year.
EXP_YEAR = datetime.datetime.now(datetime.timezone.utc).year + 5


def card(number="4242424242424242", **extra):
    c = {"number": number, "exp_month": 12, "exp_year": EXP_YEAR, "cvc": "123"}
    c.update(extra)
    return c


def raises(cls, fn):
    try:
        fn()
    except cls as e:
        return e
    raise AssertionError(f"expected {cls.__name__}")


def req_id(obj):
    return obj.last_response.request_id


@case("card token: card.last4, brand, exp as integers, livemode, request_id")
def _():
    t = stripe.Token.create(card=card(name="Jenny Rosen", address_zip="94107"))
    expect(t.id.startswith("tok_") and t.object == "token" and t.type == "card", t.id)
    expect(t.card.last4 == "4242" and t.card.brand == "Visa", t.card)
    expect(t.card.exp_month == 12 and t.card.exp_year == EXP_YEAR, t.card)
    expect(t.card.funding == "credit" and t.card.country == "US", t.card)
    expect(t.card.address_zip == "94107" and t.card.name == "Jenny Rosen", t.card)
    expect(t.livemode is False and t.used is False and isinstance(t.created, int), t)
    expect(req_id(t).startswith("req_"), req_id(t))


@case("card tokens of other brands")
def _():
    for number, brand in [
        ("5555555555554444", "MasterCard"),
        ("378282246310005", "American Express"),
        ("6011111111111117", "Discover"),
        ("3056930009020004", "Diners Club"),
        ("3566002020360505", "JCB"),
        ("6200000000000005", "UnionPay"),
    ]:
        cvc = "1234" if brand == "American Express" else "123"
        t = stripe.Token.create(card=card(number, cvc=cvc))
        expect(t.card.brand == brand and t.card.last4 == number[-4:], (brand, t.card))


@case("card token with a publishable key (StripeClient, base_addresses)")
def _():
    client = stripe.StripeClient(PK, base_addresses={"api": BASE}, max_network_retries=0)
    t = client.v1.tokens.create({"card": card()})
    expect(t.card.last4 == "4242", t)


@case("bank_account token")
def _():
    t = stripe.Token.create(
        bank_account={
            "country": "US",
            "currency": "usd",
            "account_holder_name": "Jenny Rosen",
            "account_holder_type": "individual",
            "routing_number": "110000000",
            "account_number": "000123456789",
        }
    )
    expect(t.id.startswith("btok_") and t.type == "bank_account", t.id)
    ba = t.bank_account
    expect(ba.last4 == "6789" and ba.routing_number == "110000000" and ba.status == "new", ba)
    expect(ba.bank_name == "STRIPE TEST BANK" and ba.currency == "usd", ba)


@case("cvc_update token")
def _():
    t = stripe.Token.create(cvc_update={"cvc": "123"})
    expect(t.id.startswith("cvctok_") and t.type == "cvc_update", t)


@case("pii token")
def _():
    t = stripe.Token.create(pii={"id_number": "000000000"})
    expect(t.id.startswith("pii_") and t.type == "pii", t)


@case("person token")
def _():
    t = stripe.Token.create(
        person={"first_name": "Jane", "last_name": "Doe", "relationship": {"owner": True}}
    )
    expect(t.id.startswith("cpt_") and t.type == "person", t)


@case("account token")
def _():
    t = stripe.Token.create(
        account={
            "business_type": "individual",
            "individual": {"first_name": "Jane", "last_name": "Doe"},
            "tos_shown_and_accepted": True,
        }
    )
    expect(t.id.startswith("ct_") and t.type == "account", t)


@case("account token with account[company][physical_address] (2026-10-28.endive), at the SDK's own version")
def _():
    t = stripe.Token.create(
        account={
            "business_type": "company",
            "company": {
                "name": "Acme",
                "physical_address": {"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"},
            },
        }
    )
    expect(t.id.startswith("ct_") and t.type == "account", t)
    headers = t.last_response.headers
    # 16.1.0 sends 2026-10-28.endive, older than the spec: validated as that version.
    expect(headers.get("Token-Preflight-Version-Policy") in ("bundled", "older"), headers)
    expect(headers.get("Token-Preflight-Warnings") is None, headers)


@case("card[zip] at the SDK's own version: InvalidRequestError parameter_unknown")
def _():
    e = raises(stripe.InvalidRequestError, lambda: stripe.Token.create(card=card(zip="94107")))
    expect(e.code == "parameter_unknown" and e.param == "card[zip]", (e.code, e.param))
    expect(e.http_status == 400, e.http_status)


@case("a top-level amount at the SDK's own version: InvalidRequestError parameter_unknown")
def _():
    e = raises(stripe.InvalidRequestError, lambda: stripe.Token.create(card=card(), amount=100))
    expect(e.code == "parameter_unknown" and e.param == "amount", (e.code, e.param))


@case("card[zip] at a version newer than the spec: still parameter_unknown, saying how to relax it")
def _():
    e = raises(
        stripe.InvalidRequestError,
        lambda: stripe.Token.create(card=card(zip="94107"), stripe_version="2099-01-01.zeta"),
    )
    expect(e.code == "parameter_unknown" and e.param == "card[zip]", (e.code, e.param))
    expect("--unknown-version lenient" in str(e) and BUNDLED in str(e), str(e))


@case("incorrect_number: CardError, code, param, http_status, request_id")
def _():
    e = raises(stripe.CardError, lambda: stripe.Token.create(card=card("4242424242424241")))
    expect(e.code == "incorrect_number" and e.param == "number", (e.code, e.param))
    expect(e.http_status == 402 and e.request_id.startswith("req_"), (e.http_status, e.request_id))
    expect("4242424242424241" not in str(e.http_body), "number echoed")


@case("invalid_expiry_month: CardError")
def _():
    e = raises(stripe.CardError, lambda: stripe.Token.create(card=card(exp_month=13)))
    expect(e.code == "invalid_expiry_month" and e.param == "exp_month", e.code)


@case("invalid_expiry_year (past): CardError")
def _():
    e = raises(stripe.CardError, lambda: stripe.Token.create(card=card(exp_year=2020)))
    expect(e.code == "invalid_expiry_year", e.code)


@case("invalid_cvc: CardError")
def _():
    e = raises(stripe.CardError, lambda: stripe.Token.create(card=card(cvc="99")))
    expect(e.code == "invalid_cvc" and e.param == "cvc", e.code)


@case("missing exp_month: InvalidRequestError parameter_missing card[exp_month]")
def _():
    c = card()
    del c["exp_month"]
    e = raises(stripe.InvalidRequestError, lambda: stripe.Token.create(card=c))
    expect(e.code == "parameter_missing" and e.param == "card[exp_month]", (e.code, e.param))
    expect(e.http_status == 400, e.http_status)


@case("unknown parameter at the bundled version: InvalidRequestError parameter_unknown")
def _():
    e = raises(
        stripe.InvalidRequestError,
        lambda: stripe.Token.create(card=card(colour="red"), stripe_version=BUNDLED),
    )
    expect(e.code == "parameter_unknown" and e.param == "card[colour]", (e.code, e.param))


@case("routing number checksum: InvalidRequestError")
def _():
    e = raises(
        stripe.InvalidRequestError,
        lambda: stripe.Token.create(
            bank_account={"country": "US", "routing_number": "110000001", "account_number": "000123456789"}
        ),
    )
    expect(e.param == "bank_account[routing_number]", e.param)


@case("person token with a live secret key: InvalidRequestError")
def _():
    e = raises(
        stripe.InvalidRequestError,
        lambda: stripe.Token.create(person={"first_name": "J"}, api_key="sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    )
    expect(e.http_status == 400, e.http_status)


@case("bad API key: AuthenticationError 401")
def _():
    e = raises(stripe.AuthenticationError, lambda: stripe.Token.create(card=card(), api_key="sk_test_bad-key"))
    expect(e.http_status == 401 and "bad-key" not in str(e), e)


@case("idempotent replay: same key, same params, same token; other params: IdempotencyError")
def _():
    a = stripe.Token.create(card=card(), idempotency_key="py-order-1")
    b = stripe.Token.create(card=card(), idempotency_key="py-order-1")
    expect(a.id == b.id and a.card.fingerprint == b.card.fingerprint, (a.id, b.id))
    expect(b.last_response.headers.get("Idempotent-Replayed") == "true", "not marked as a replay")
    e = raises(
        stripe.IdempotencyError,
        lambda: stripe.Token.create(card=card("5555555555554444"), idempotency_key="py-order-1"),
    )
    expect(e.http_status == 400 and "py-order-1" in str(e), e)


@case("an unknown URL: InvalidRequestError 404")
def _():
    e = raises(stripe.InvalidRequestError, lambda: stripe.Token.retrieve("tok_123"))
    expect(e.http_status == 404, e.http_status)


failed = [n for n, e in results if e is not None]
print(f"python stripe {stripe.VERSION}: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
