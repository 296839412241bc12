//! Consumer keys: requesting one with the rules a workflow needs, and checking the one in
//! use.

use crate::Method;
use serde::Serialize;

use crate::client::OvhClient;
use crate::credentials::Kind;
use crate::error::{Error, RequestProblem};
use crate::models::{AccessRule, ConsumerKeyRequest, CurrentCredential};
use crate::path::ApiPath;
use crate::transport::Request;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialRequest<'a> {
    access_rules: &'a [AccessRule],
    #[serde(skip_serializing_if = "Option::is_none")]
    redirection: Option<&'a str>,
}

impl OvhClient {
    /// Requests a new consumer key with these access rules (`POST /auth/credential`,
    /// unauthenticated: only the application key is sent, so
    /// [`Credentials::application`](crate::Credentials::application) is enough).
    ///
    /// The key works once the account holder opens
    /// [`validation_url`](ConsumerKeyRequest::validation_url), logs in and picks a
    /// validity; after that, OVH sends the browser to `redirection` if given. Then build
    /// a client with `Credentials::new(application_key, application_secret,
    /// consumer_key)`. Sent once, never retried.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), ovh_renew::Error> {
    /// use ovh_renew::{Credentials, Endpoint, OvhClient};
    /// use ovh_renew::models::AccessRule;
    /// let client = OvhClient::builder()
    ///     .endpoint(Endpoint::OvhEu)
    ///     .credentials(Credentials::application("app-key", "app-secret"))
    ///     .build()?;
    /// let request = client.request_consumer_key(&AccessRule::renewal_flow(), None).await?;
    /// println!("validate at {}", request.validation_url);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] without rules or without an application key (OAuth2
    /// and access tokens have no consumer keys); API and transport errors otherwise.
    pub async fn request_consumer_key(
        &self,
        rules: &[AccessRule],
        redirection: Option<&str>,
    ) -> Result<ConsumerKeyRequest, Error> {
        if !matches!(self.inner.credentials.kind, Kind::AppKey { .. }) {
            return Err(Error::refused(
                RequestProblem::NoApplicationKey,
                "a consumer key is requested with an application key: use Credentials::application(application_key, application_secret); OAuth2 and access-token credentials need none",
            ));
        }
        if rules.is_empty() {
            return Err(Error::refused(
                RequestProblem::NoAccessRules,
                "a consumer key needs at least one access rule, e.g. AccessRule::renewal_flow()",
            ));
        }
        let body = serde_json::to_string(&CredentialRequest {
            access_rules: rules,
            redirection,
        })
        .map_err(|e| {
            Error::refused(
                RequestProblem::Serialization,
                format!("cannot serialize the body: {e}"),
            )
        })?;
        let path = ApiPath::new("/auth/credential");
        let answer = self
            .inner
            .send(Request::new(&Method::Post, &path, Some(body)).unauthenticated())
            .await?;
        answer.decode(&Method::Post, &path)
    }

    /// The credential this client uses (`GET /auth/currentCredential`): its rules,
    /// status and expiration. [`CurrentCredential::missing_for_renewal`] then says which
    /// calls of the renewal flow its rules do not allow: the check to run when a call
    /// fails with `NOT_GRANTED_CALL`.
    ///
    /// ```no_run
    /// # async fn demo(client: ovh_renew::OvhClient) -> Result<(), ovh_renew::Error> {
    /// let credential = client.current_credential().await?;
    /// for rule in credential.missing_for_renewal() {
    ///     eprintln!("missing access rule: {rule}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn current_credential(&self) -> Result<CurrentCredential, Error> {
        self.call(Method::Get, &ApiPath::new("/auth/currentCredential"))
            .await
    }
}
