//! A local sign-in provider that speaks the real protocols: OpenID Connect (discovery,
//! authorize, token, JWKS, userinfo — as Google and LinkedIn do) or GitHub's OAuth 2 (authorize,
//! access_token, REST user and e-mails). It checks what a real provider checks (client
//! credentials, redirect URI, one-time codes, the PKCE verifier against the S256 challenge) and
//! signs ID tokens with its own RSA key, independently of the code under test. `misbehave`
//! makes its next ID tokens wrong in one chosen way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Google: the ID token carries the e-mail.
    Oidc,
    /// LinkedIn-like: the ID token carries only `sub`; the e-mail comes from userinfo.
    OidcUserinfo,
    GitHub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    None,
    WrongNonce,
    Expired,
    WrongAudience,
    TamperedSignature,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
}

struct Grant {
    challenge: String,
    nonce: Option<String>,
    redirect_uri: String,
}

struct State {
    person: Person,
    misbehaviour: Misbehaviour,
    grants: HashMap<String, Grant>,
    /// access token -> subject
    access_tokens: HashMap<String, String>,
    next: u64,
}

struct Shared {
    kind: Kind,
    issuer: String,
    client_id: String,
    client_secret: String,
    key: KeyPair,
    state: Mutex<State>,
}

pub struct FakeProvider {
    pub server: MockServer,
    shared: Arc<Shared>,
}

const KID: &str = "test-key-1";

impl FakeProvider {
    pub async fn start(kind: Kind, client_id: &str, client_secret: &str, person: Person) -> Self {
        let server = MockServer::start().await;
        let shared = Arc::new(Shared {
            kind,
            issuer: server.uri(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            key: KeyPair::generate(KeySize::Rsa2048).expect("RSA key"),
            state: Mutex::new(State {
                person,
                misbehaviour: Misbehaviour::None,
                grants: HashMap::new(),
                access_tokens: HashMap::new(),
                next: 0,
            }),
        });
        let (authorize, token) = match kind {
            Kind::GitHub => ("/login/oauth/authorize", "/login/oauth/access_token"),
            _ => ("/authorize", "/token"),
        };
        let endpoints: [(&str, &str, Endpoint); 7] = [
            ("GET", "/.well-known/openid-configuration", Endpoint::Discovery),
            ("GET", "/jwks", Endpoint::Jwks),
            ("GET", authorize, Endpoint::Authorize),
            ("POST", token, Endpoint::Token),
            ("GET", "/userinfo", Endpoint::UserInfo),
            ("GET", "/api/user", Endpoint::GitHubUser),
            ("GET", "/api/user/emails", Endpoint::GitHubEmails),
        ];
        for (verb, route, endpoint) in endpoints {
            let serves = match endpoint {
                Endpoint::Discovery | Endpoint::Jwks | Endpoint::UserInfo => kind != Kind::GitHub,
                Endpoint::GitHubUser | Endpoint::GitHubEmails => kind == Kind::GitHub,
                Endpoint::Authorize | Endpoint::Token => true,
            };
            if serves {
                Mock::given(method(verb))
                    .and(path(route))
                    .respond_with(Responder { endpoint, shared: Arc::clone(&shared) })
                    .mount(&server)
                    .await;
            }
        }
        Self { server, shared }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn misbehave(&self, misbehaviour: Misbehaviour) {
        self.shared.state.lock().expect("state").misbehaviour = misbehaviour;
    }

    pub fn set_person(&self, person: Person) {
        self.shared.state.lock().expect("state").person = person;
    }
}

#[derive(Clone, Copy)]
enum Endpoint {
    Discovery,
    Jwks,
    Authorize,
    Token,
    UserInfo,
    GitHubUser,
    GitHubEmails,
}

struct Responder {
    endpoint: Endpoint,
    shared: Arc<Shared>,
}

fn params(text: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes()).into_owned().collect()
}

fn oauth_error(error: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({ "error": error }))
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let shared = &self.shared;
        match self.endpoint {
            Endpoint::Discovery => ResponseTemplate::new(200).set_body_json(json!({
                "issuer": shared.issuer,
                "authorization_endpoint": format!("{}/authorize", shared.issuer),
                "token_endpoint": format!("{}/token", shared.issuer),
                "jwks_uri": format!("{}/jwks", shared.issuer),
                "userinfo_endpoint": format!("{}/userinfo", shared.issuer),
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            })),
            Endpoint::Jwks => {
                let public = PublicKeyComponents::<Vec<u8>>::from(shared.key.public_key());
                ResponseTemplate::new(200).set_body_json(json!({ "keys": [{
                    "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                    "n": URL_SAFE_NO_PAD.encode(&public.n), "e": URL_SAFE_NO_PAD.encode(&public.e),
                }]}))
            }
            Endpoint::Authorize => self.authorize(&params(request.url.query().unwrap_or_default())),
            Endpoint::Token => self.token(&params(&String::from_utf8_lossy(&request.body))),
            Endpoint::UserInfo | Endpoint::GitHubUser | Endpoint::GitHubEmails => {
                let state = shared.state.lock().expect("state");
                let bearer = request
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .unwrap_or_default();
                if !state.access_tokens.contains_key(bearer) {
                    return ResponseTemplate::new(401).set_body_json(json!({ "message": "Bad credentials" }));
                }
                let p = &state.person;
                let body = match self.endpoint {
                    Endpoint::UserInfo => json!({
                        "sub": p.subject, "email": p.email, "email_verified": p.email_verified, "name": p.name,
                    }),
                    Endpoint::GitHubUser => {
                        json!({ "id": p.subject.parse::<u64>().unwrap_or(1), "login": "octo", "name": p.name })
                    }
                    _ => json!([
                        { "email": "old-address@example.net", "primary": false, "verified": false },
                        { "email": p.email, "primary": true, "verified": p.email_verified },
                    ]),
                };
                ResponseTemplate::new(200).set_body_json(body)
            }
        }
    }
}

impl Responder {
    fn authorize(&self, query: &HashMap<String, String>) -> ResponseTemplate {
        let shared = &self.shared;
        let get = |k: &str| query.get(k).cloned().unwrap_or_default();
        if get("client_id") != shared.client_id || get("response_type") != "code" {
            return oauth_error("unauthorized_client");
        }
        if get("code_challenge_method") != "S256" || get("code_challenge").len() != 43 || get("state").is_empty() {
            return oauth_error("invalid_request");
        }
        let oidc = shared.kind != Kind::GitHub;
        if oidc && (!get("scope").split(' ').any(|s| s == "openid") || get("nonce").is_empty()) {
            return oauth_error("invalid_scope");
        }
        let mut state = shared.state.lock().expect("state");
        state.next += 1;
        let code = format!("code-{}", state.next);
        let grant = Grant {
            challenge: get("code_challenge"),
            nonce: oidc.then(|| get("nonce")),
            redirect_uri: get("redirect_uri"),
        };
        state.grants.insert(code.clone(), grant);
        let mut back = url::Url::parse(&get("redirect_uri")).expect("redirect_uri");
        back.query_pairs_mut().append_pair("code", &code).append_pair("state", &get("state"));
        ResponseTemplate::new(302).insert_header("location", back.as_str())
    }

    fn token(&self, form: &HashMap<String, String>) -> ResponseTemplate {
        let shared = &self.shared;
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        if get("client_id") != shared.client_id || get("client_secret") != shared.client_secret {
            return ResponseTemplate::new(401).set_body_json(json!({ "error": "invalid_client" }));
        }
        let mut state = shared.state.lock().expect("state");
        let Some(grant) = state.grants.remove(&get("code")) else { return oauth_error("invalid_grant") };
        let verifier_hash = URL_SAFE_NO_PAD.encode(Sha256::digest(get("code_verifier").as_bytes()));
        if get("grant_type") != "authorization_code" || grant.redirect_uri != get("redirect_uri") {
            return oauth_error("invalid_grant");
        }
        if verifier_hash != grant.challenge {
            return oauth_error("invalid_grant");
        }
        let access_token = format!("at-{}", get("code"));
        let subject = state.person.subject.clone();
        state.access_tokens.insert(access_token.clone(), subject);
        let mut body = json!({ "access_token": access_token, "token_type": "Bearer", "expires_in": 3600 });
        if shared.kind != Kind::GitHub {
            body["id_token"] = json!(self.id_token(&state, grant.nonce.unwrap_or_default()));
        }
        ResponseTemplate::new(200).set_body_json(body)
    }

    fn id_token(&self, state: &State, nonce: String) -> String {
        let shared = &self.shared;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let p = &state.person;
        let mut claims = json!({
            "iss": shared.issuer, "sub": p.subject, "aud": shared.client_id, "azp": shared.client_id,
            "iat": now, "exp": now + 600, "nonce": nonce,
        });
        if shared.kind == Kind::Oidc {
            claims["email"] = json!(p.email);
            claims["email_verified"] = json!(p.email_verified);
            claims["name"] = json!(p.name);
        }
        match state.misbehaviour {
            Misbehaviour::WrongNonce => claims["nonce"] = json!("not-the-nonce-that-was-sent"),
            Misbehaviour::Expired => {
                claims["iat"] = json!(now - 7200);
                claims["exp"] = json!(now - 3600);
            }
            Misbehaviour::WrongAudience => {
                claims["aud"] = json!("another-client");
                claims["azp"] = json!("another-client");
            }
            Misbehaviour::None | Misbehaviour::TamperedSignature => {}
        }
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": KID });
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0u8; shared.key.public_modulus_len()];
        shared
            .key
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), signing_input.as_bytes(), &mut signature)
            .expect("sign");
        if state.misbehaviour == Misbehaviour::TamperedSignature {
            signature[10] ^= 0x01;
        }
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// A JSON value's string field, for assertions.
pub fn field<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name].as_str().unwrap_or_default()
}
