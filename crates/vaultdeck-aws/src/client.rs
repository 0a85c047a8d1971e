//! [`AwsClient`]: the Secrets Manager and STS clients built from the AWS chain, and every
//! operation Vaultdeck performs on secrets.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::ControlFlow;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_sdk_secretsmanager::config::{Credentials, Region};
use aws_sdk_secretsmanager::primitives::{Blob, DateTime, DateTimeFormat};
use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType, RotationRulesType, Tag};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use tracing::instrument;
use vaultdeck_types::{
    AwsCallerIdentity, AwsDeleteMode, AwsDeleteOutcome, AwsListFilter, AwsPasswordSpec,
    AwsPolicyReport, AwsPolicyReviewRow, AwsReplicaStatus, AwsRollbackPlan, AwsRotationConfig,
    AwsRotationOutcome, AwsRotationSchedule, AwsSecretDetail, AwsSecretSummary, AwsSecretVersion,
    AwsServerValidation, AwsWriteOutcome, AWS_CURRENT, AWS_PENDING, AWS_PREVIOUS,
};

use crate::error::Error;
use crate::policy::check_policy;

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Static access keys (the secret key and session token are secrets).
#[derive(Clone)]
pub struct StaticKeys {
    /// Access key id (`AKIA…`), not secret.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: SecretString,
    /// Session token of temporary credentials.
    pub session_token: Option<SecretString>,
}

impl fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Where the client takes its region, endpoint and credentials from. Anything left `None`
/// comes from the standard AWS chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,
/// AWS_ACCESS_KEY_ID…, `~/.aws/config` and `credentials`, SSO cache, IMDS).
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Named profile of the shared config files.
    pub profile: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Endpoint override (tests, VPC endpoints).
    pub endpoint_url: Option<String>,
    /// Static keys; `None`: the chain's credentials.
    pub keys: Option<StaticKeys>,
}

/// A secret value, string or binary, as a secret type.
pub enum SecretPayload {
    /// `SecretString`.
    String(SecretString),
    /// `SecretBinary`.
    Binary(SecretSlice<u8>),
}

impl fmt::Debug for SecretPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretPayload::String(_) => f.write_str("SecretPayload::String(***)"),
            SecretPayload::Binary(_) => f.write_str("SecretPayload::Binary(***)"),
        }
    }
}

impl SecretPayload {
    /// A string payload.
    pub fn string(s: impl Into<String>) -> Self {
        SecretPayload::String(SecretString::from(s.into()))
    }

    /// The string value, if this is a string payload.
    pub fn as_string(&self) -> Option<&SecretString> {
        match self {
            SecretPayload::String(s) => Some(s),
            SecretPayload::Binary(_) => None,
        }
    }
}

/// One version's value.
#[derive(Debug)]
pub struct SecretValue {
    /// Secret name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// The version read.
    pub version_id: String,
    /// Its staging labels.
    pub stages: Vec<String>,
    /// The value.
    pub value: SecretPayload,
}

/// Which version to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum VersionSelector {
    /// AWSCURRENT.
    #[default]
    Current,
    /// A staging label.
    Stage(String),
    /// A version id.
    Id(String),
}

/// A new secret.
#[derive(Debug, Default)]
pub struct NewSecret {
    /// Name.
    pub name: String,
    /// Initial value (`None`: a secret without a version).
    pub value: Option<SecretPayload>,
    /// Description.
    pub description: Option<String>,
    /// KMS key id/ARN/alias; `None`: `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Client request token (idempotency); `None`: a fresh UUID.
    pub client_request_token: Option<String>,
}

/// Rotation schedule for [`AwsClient::enable_rotation`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationSchedule {
    /// Every this many days.
    pub automatically_after_days: Option<i64>,
    /// `rate(..)`/`cron(..)`.
    pub schedule_expression: Option<String>,
    /// Window length (`3h`).
    pub duration: Option<String>,
}

/// Signed-in clients for Secrets Manager and STS in one region.
#[derive(Clone)]
pub struct AwsClient {
    sm: aws_sdk_secretsmanager::Client,
    sts: aws_sdk_sts::Client,
    region: String,
    endpoint: Option<String>,
}

impl fmt::Debug for AwsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsClient")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

fn fmt_date(d: Option<&DateTime>) -> Option<String> {
    d.and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
}

fn tags_map(tags: Option<&[Tag]>) -> BTreeMap<String, String> {
    tags.unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

fn sort_stages(mut s: Vec<String>) -> Vec<String> {
    let rank = |x: &str| match x {
        AWS_CURRENT => 0,
        AWS_PENDING => 1,
        AWS_PREVIOUS => 2,
        _ => 3,
    };
    s.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    s
}

/// Newest first when dates are known; then by label rank.
fn sort_versions(v: &mut [AwsSecretVersion]) {
    let rank = |x: &AwsSecretVersion| {
        x.stages
            .first()
            .map(|s| match s.as_str() {
                AWS_CURRENT => 0,
                AWS_PENDING => 1,
                AWS_PREVIOUS => 2,
                _ => 3,
            })
            .unwrap_or(4)
    };
    v.sort_by(|a, b| {
        b.created
            .cmp(&a.created)
            .then_with(|| rank(a).cmp(&rank(b)))
            .then_with(|| a.version_id.cmp(&b.version_id))
    });
}

fn validate_name(what: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Error::Invalid(format!("{what} is empty")));
    }
    Ok(())
}

impl AwsClient {
    /// Builds the clients from `settings` plus the AWS chain. Fails when no region can be
    /// determined. Does not contact AWS (see [`AwsClient::caller_identity`]).
    pub async fn connect(settings: &AwsSettings) -> Result<Self> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(60))
                .build(),
        );
        if let Some(p) = settings.profile.as_deref().filter(|p| !p.is_empty()) {
            loader = loader.profile_name(p);
        }
        if let Some(r) = settings.region.as_deref().filter(|r| !r.is_empty()) {
            loader = loader.region(Region::new(r.to_owned()));
        }
        if let Some(e) = settings.endpoint_url.as_deref().filter(|e| !e.is_empty()) {
            if !(e.starts_with("http://") || e.starts_with("https://")) {
                return Err(Error::Config(format!(
                    "endpoint URL {e:?} must start with https:// (or http:// for a local test \
                     server)"
                )));
            }
            loader = loader.endpoint_url(e.trim_end_matches('/'));
        }
        if let Some(k) = &settings.keys {
            if k.access_key_id.trim().is_empty() {
                return Err(Error::Config("the access key id is empty".into()));
            }
            loader = loader.credentials_provider(Credentials::new(
                k.access_key_id.trim(),
                k.secret_access_key.expose_secret(),
                k.session_token
                    .as_ref()
                    .map(|t| t.expose_secret().to_owned()),
                None,
                "vaultdeck-profile",
            ));
        }
        let conf = loader.load().await;
        let Some(region) = conf.region().map(|r| r.to_string()) else {
            return Err(Error::Config(
                "no region: set one in the connection profile, AWS_REGION, or the AWS \
                 profile's `region`"
                    .into(),
            ));
        };
        Ok(Self {
            sm: aws_sdk_secretsmanager::Client::new(&conf),
            sts: aws_sdk_sts::Client::new(&conf),
            region,
            endpoint: conf.endpoint_url().map(str::to_owned),
        })
    }

    /// The region this client talks to.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint override, if any.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The underlying Secrets Manager client (escape hatch).
    pub fn secrets_manager(&self) -> &aws_sdk_secretsmanager::Client {
        &self.sm
    }

    /// STS GetCallerIdentity: proves the credentials work.
    #[instrument(skip_all, fields(region = %self.region))]
    pub async fn caller_identity(&self) -> Result<AwsCallerIdentity> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| Error::sdk("GetCallerIdentity", "", e))?;
        Ok(AwsCallerIdentity {
            account: out.account().unwrap_or_default().to_owned(),
            arn: out.arn().unwrap_or_default().to_owned(),
            user_id: out.user_id().unwrap_or_default().to_owned(),
            region: self.region.clone(),
        })
    }

    /// Lists every secret matching `filter`, page by page (`page_size` 1–100, default 100),
    /// calling `on_page` with each page as it arrives; `ControlFlow::Break` stops early.
    /// Returns how many secrets were delivered.
    #[instrument(skip_all, fields(region = %self.region))]
    pub async fn list_secrets(
        &self,
        filter: &AwsListFilter,
        page_size: Option<i32>,
        mut on_page: impl FnMut(Vec<AwsSecretSummary>) -> ControlFlow<()>,
    ) -> Result<usize> {
        let mut filters = Vec::new();
        let mut add = |key: FilterNameStringType, v: &Option<String>| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                filters.push(Filter::builder().key(key).values(v).build());
            }
        };
        add(FilterNameStringType::Name, &filter.name_prefix);
        add(FilterNameStringType::TagKey, &filter.tag_key);
        add(FilterNameStringType::TagValue, &filter.tag_value);
        add(FilterNameStringType::Description, &filter.description);
        let mut req = self
            .sm
            .list_secrets()
            .max_results(page_size.unwrap_or(100).clamp(1, 100));
        if !filters.is_empty() {
            req = req.set_filters(Some(filters));
        }
        if filter.include_planned_deletion {
            req = req.include_planned_deletion(true);
        }
        let mut pages = req.into_paginator().send();
        let mut total = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| Error::sdk("ListSecrets", "", e))?;
            let rows: Vec<AwsSecretSummary> = page
                .secret_list()
                .iter()
                .map(|s| AwsSecretSummary {
                    name: s.name().unwrap_or_default().to_owned(),
                    arn: s.arn().unwrap_or_default().to_owned(),
                    description: s.description().map(str::to_owned),
                    tags: tags_map(s.tags.as_deref()),
                    rotation_enabled: s.rotation_enabled().unwrap_or(false),
                    last_changed: fmt_date(s.last_changed_date()),
                    deleted_date: fmt_date(s.deleted_date()),
                })
                .collect();
            total += rows.len();
            if on_page(rows).is_break() {
                break;
            }
        }
        Ok(total)
    }

    /// Every secret matching `filter` (all pages).
    pub async fn list_all(&self, filter: &AwsListFilter) -> Result<Vec<AwsSecretSummary>> {
        let mut all = Vec::new();
        self.list_secrets(filter, None, |page| {
            all.extend(page);
            ControlFlow::Continue(())
        })
        .await?;
        Ok(all)
    }

    /// The versions of a secret with their labels (all pages). `include_deprecated` adds
    /// versions without a label (AWS keeps up to ~100 of them for a while).
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn list_versions(
        &self,
        secret_id: &str,
        include_deprecated: bool,
    ) -> Result<Vec<AwsSecretVersion>> {
        validate_name("secret name", secret_id)?;
        let mut pages = self
            .sm
            .list_secret_version_ids()
            .secret_id(secret_id)
            .include_deprecated(include_deprecated)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| Error::sdk("ListSecretVersionIds", secret_id, e))?;
            out.extend(page.versions().iter().map(|v| AwsSecretVersion {
                version_id: v.version_id().unwrap_or_default().to_owned(),
                stages: sort_stages(v.version_stages().to_vec()),
                created: fmt_date(v.created_date()),
                last_accessed: fmt_date(v.last_accessed_date()),
            }));
        }
        sort_versions(&mut out);
        Ok(out)
    }

    /// Everything about a secret except its value: ARN, description, KMS key, tags, dates,
    /// rotation, replication, deletion date, versions with their labels.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn describe(&self, secret_id: &str) -> Result<AwsSecretDetail> {
        validate_name("secret name", secret_id)?;
        let d = self
            .sm
            .describe_secret()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSecret", secret_id, e))?;
        // Versions with dates come from ListSecretVersionIds (its own IAM action); fall back
        // to DescribeSecret's map when that is denied. A deleted secret cannot be listed.
        let versions = match self.list_versions(secret_id, false).await {
            Ok(v) => v,
            Err(_) => {
                let mut v: Vec<AwsSecretVersion> = d
                    .version_ids_to_stages()
                    .map(|m| {
                        m.iter()
                            .map(|(id, st)| AwsSecretVersion {
                                version_id: id.clone(),
                                stages: sort_stages(st.clone()),
                                created: None,
                                last_accessed: None,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                sort_versions(&mut v);
                v
            }
        };
        let rules = d.rotation_rules();
        Ok(AwsSecretDetail {
            name: d.name().unwrap_or_default().to_owned(),
            arn: d.arn().unwrap_or_default().to_owned(),
            description: d.description().map(str::to_owned),
            kms_key_id: d.kms_key_id().map(str::to_owned),
            tags: tags_map(d.tags.as_deref()),
            created: fmt_date(d.created_date()),
            last_changed: fmt_date(d.last_changed_date()),
            last_accessed: fmt_date(d.last_accessed_date()),
            deleted_date: fmt_date(d.deleted_date()),
            primary_region: d.primary_region().map(str::to_owned),
            rotation: AwsRotationConfig {
                enabled: d.rotation_enabled().unwrap_or(false),
                // moto answers "" after a rotation without a Lambda: no Lambda.
                lambda_arn: d
                    .rotation_lambda_arn()
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned),
                automatically_after_days: rules.and_then(|r| r.automatically_after_days()),
                schedule_expression: rules
                    .and_then(|r| r.schedule_expression())
                    .map(str::to_owned),
                duration: rules.and_then(|r| r.duration()).map(str::to_owned),
                last_rotated: fmt_date(d.last_rotated_date()),
                next_rotation: fmt_date(d.next_rotation_date()),
            },
            replication: d
                .replication_status()
                .iter()
                .map(|r| AwsReplicaStatus {
                    region: r.region().unwrap_or_default().to_owned(),
                    status: r.status().map(|s| s.as_str().to_owned()),
                    message: r.status_message().map(str::to_owned),
                })
                .collect(),
            versions,
        })
    }

    /// The version that is AWSCURRENT now. A server that wrongly labels two versions
    /// AWSCURRENT (moto after a stage move) is answered with the one `GetSecretValue` reads.
    pub async fn current_version(&self, secret_id: &str) -> Result<String> {
        let d = self
            .sm
            .describe_secret()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::sdk("DescribeSecret", secret_id, e))?;
        let currents: Vec<&String> = d
            .version_ids_to_stages()
            .into_iter()
            .flat_map(|m: &HashMap<String, Vec<String>>| m.iter())
            .filter(|(_, st)| st.iter().any(|s| s == AWS_CURRENT))
            .map(|(id, _)| id)
            .collect();
        match currents.as_slice() {
            [] => Err(Error::NotFound(format!(
                "{secret_id} has no version labelled AWSCURRENT"
            ))),
            [one] => Ok((*one).clone()),
            _ => {
                let v = self.get_value(secret_id, &VersionSelector::Current).await?;
                Ok(v.version_id)
            }
        }
    }

    /// Reads one version's value (a reveal: call it only when the user asked to see it).
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn get_value(
        &self,
        secret_id: &str,
        version: &VersionSelector,
    ) -> Result<SecretValue> {
        validate_name("secret name", secret_id)?;
        let mut req = self.sm.get_secret_value().secret_id(secret_id);
        match version {
            // AWS defaults to AWSCURRENT, but moto 5.2.5 then returns the newest version even
            // after AWSCURRENT was moved (a rollback): name the label explicitly.
            VersionSelector::Current => req = req.version_stage(AWS_CURRENT),
            VersionSelector::Stage(s) => req = req.version_stage(s),
            VersionSelector::Id(v) => req = req.version_id(v),
        }
        let mut out = req
            .send()
            .await
            .map_err(|e| Error::sdk("GetSecretValue", secret_id, e))?;
        let value = if let Some(s) = out.secret_string.take() {
            SecretPayload::String(SecretString::from(s))
        } else if let Some(b) = out.secret_binary.take() {
            SecretPayload::Binary(SecretSlice::from(b.into_inner()))
        } else {
            return Err(Error::NotFound(format!(
                "{secret_id}: the version has no value"
            )));
        };
        Ok(SecretValue {
            name: out.name.take().unwrap_or_default(),
            arn: out.arn.take().unwrap_or_default(),
            version_id: out.version_id.take().unwrap_or_default(),
            stages: sort_stages(out.version_stages.take().unwrap_or_default()),
            value,
        })
    }

    /// Creates a secret.
    #[instrument(skip_all, fields(secret = %new.name))]
    pub async fn create(&self, new: NewSecret) -> Result<AwsWriteOutcome> {
        validate_name("secret name", &new.name)?;
        let token = new
            .client_request_token
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut req = self
            .sm
            .create_secret()
            .name(&new.name)
            .client_request_token(&token)
            .set_description(new.description.clone())
            .set_kms_key_id(new.kms_key_id.clone());
        for (k, v) in &new.tags {
            req = req.tags(Tag::builder().key(k).value(v).build());
        }
        let has_value = new.value.is_some();
        match &new.value {
            Some(SecretPayload::String(s)) => req = req.secret_string(s.expose_secret()),
            Some(SecretPayload::Binary(b)) => {
                req = req.secret_binary(Blob::new(b.expose_secret().to_vec()))
            }
            None => {}
        }
        let out = req
            .send()
            .await
            .map_err(|e| Error::sdk("CreateSecret", &new.name, e))?;
        Ok(AwsWriteOutcome {
            name: out.name().unwrap_or(&new.name).to_owned(),
            arn: out.arn().unwrap_or_default().to_owned(),
            version_id: out.version_id().unwrap_or_default().to_owned(),
            stages: if has_value {
                vec![AWS_CURRENT.to_owned()]
            } else {
                Vec::new()
            },
        })
    }

    /// Checks that AWSCURRENT is `expected`; returns the current version id.
    async fn check_current(&self, secret_id: &str, expected: Option<&str>) -> Result<String> {
        let current = self.current_version(secret_id).await?;
        if let Some(exp) = expected {
            if exp != current {
                return Err(Error::Conflict {
                    secret: secret_id.to_owned(),
                    expected: exp.to_owned(),
                    current,
                });
            }
        }
        Ok(current)
    }

    /// Puts a new value (it becomes AWSCURRENT; the old current becomes AWSPREVIOUS).
    ///
    /// `expected_current`: the version the user started from; if AWSCURRENT moved since,
    /// nothing is written and [`Error::Conflict`] carries the current version id. (The check
    /// and the put are two calls: AWS has no conditional put.) `client_request_token`
    /// makes retries idempotent: the same token and value return the same version; `None`
    /// generates one.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn put_value(
        &self,
        secret_id: &str,
        value: &SecretPayload,
        expected_current: Option<&str>,
        client_request_token: Option<&str>,
    ) -> Result<AwsWriteOutcome> {
        validate_name("secret name", secret_id)?;
        if expected_current.is_some() {
            self.check_current(secret_id, expected_current).await?;
        }
        self.put_with_stages(secret_id, value, None, client_request_token)
            .await
    }

    async fn put_with_stages(
        &self,
        secret_id: &str,
        value: &SecretPayload,
        stages: Option<Vec<String>>,
        client_request_token: Option<&str>,
    ) -> Result<AwsWriteOutcome> {
        let token = client_request_token
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut req = self
            .sm
            .put_secret_value()
            .secret_id(secret_id)
            .client_request_token(token)
            .set_version_stages(stages);
        match value {
            SecretPayload::String(s) => req = req.secret_string(s.expose_secret()),
            SecretPayload::Binary(b) => {
                req = req.secret_binary(Blob::new(b.expose_secret().to_vec()))
            }
        }
        let out = req
            .send()
            .await
            .map_err(|e| Error::sdk("PutSecretValue", secret_id, e))?;
        Ok(AwsWriteOutcome {
            name: out.name().unwrap_or(secret_id).to_owned(),
            arn: out.arn().unwrap_or_default().to_owned(),
            version_id: out.version_id().unwrap_or_default().to_owned(),
            stages: sort_stages(out.version_stages().to_vec()),
        })
    }

    /// Updates the description and/or KMS key (no new version).
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn update(
        &self,
        secret_id: &str,
        description: Option<&str>,
        kms_key_id: Option<&str>,
    ) -> Result<()> {
        validate_name("secret name", secret_id)?;
        if description.is_none() && kms_key_id.is_none() {
            return Err(Error::Invalid(
                "nothing to update: give a description or a KMS key".into(),
            ));
        }
        self.sm
            .update_secret()
            .secret_id(secret_id)
            .set_description(description.map(str::to_owned))
            .set_kms_key_id(kms_key_id.map(str::to_owned))
            .send()
            .await
            .map_err(|e| Error::sdk("UpdateSecret", secret_id, e))?;
        Ok(())
    }

    /// Adds or replaces tags.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn tag(&self, secret_id: &str, tags: &BTreeMap<String, String>) -> Result<()> {
        validate_name("secret name", secret_id)?;
        let tags = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        self.sm
            .tag_resource()
            .secret_id(secret_id)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| Error::sdk("TagResource", secret_id, e))?;
        Ok(())
    }

    /// Removes tags by key.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn untag(&self, secret_id: &str, keys: &[String]) -> Result<()> {
        validate_name("secret name", secret_id)?;
        self.sm
            .untag_resource()
            .secret_id(secret_id)
            .set_tag_keys(Some(keys.to_vec()))
            .send()
            .await
            .map_err(|e| Error::sdk("UntagResource", secret_id, e))?;
        Ok(())
    }

    /// What [`AwsClient::rollback`] to `target_version` would do.
    #[instrument(skip_all, fields(secret = %secret_id, target = %target_version))]
    pub async fn rollback_preview(
        &self,
        secret_id: &str,
        target_version: &str,
    ) -> Result<AwsRollbackPlan> {
        validate_name("secret name", secret_id)?;
        validate_name("version id", target_version)?;
        let versions = self.list_versions(secret_id, true).await?;
        let current = self.current_version(secret_id).await?;
        let target = versions
            .iter()
            .find(|v| v.version_id == target_version)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "{secret_id} has no version {target_version} (AWS drops unlabelled \
                     versions after a while)"
                ))
            })?;
        let previous = versions
            .iter()
            .find(|v| v.has_stage(AWS_PREVIOUS) && v.version_id != current)
            .map(|v| v.version_id.clone());
        Ok(AwsRollbackPlan {
            secret: secret_id.to_owned(),
            no_op: target_version == current,
            current_version: current,
            target_version: target_version.to_owned(),
            target_stages: target.stages.clone(),
            previous_loses_label: previous.filter(|p| p != target_version),
        })
    }

    /// Moves AWSCURRENT to `target_version` (UpdateSecretVersionStage with
    /// RemoveFromVersionId = the current one, so the old current becomes AWSPREVIOUS).
    /// `expected_current` guards against a concurrent change like [`AwsClient::put_value`].
    /// Returns the plan that was carried out (`no_op`: nothing was sent).
    #[instrument(skip_all, fields(secret = %secret_id, target = %target_version))]
    pub async fn rollback(
        &self,
        secret_id: &str,
        target_version: &str,
        expected_current: Option<&str>,
    ) -> Result<AwsRollbackPlan> {
        let plan = self.rollback_preview(secret_id, target_version).await?;
        if let Some(exp) = expected_current {
            if exp != plan.current_version {
                return Err(Error::Conflict {
                    secret: secret_id.to_owned(),
                    expected: exp.to_owned(),
                    current: plan.current_version,
                });
            }
        }
        if plan.no_op {
            return Ok(plan);
        }
        self.move_stage(
            secret_id,
            AWS_CURRENT,
            Some(target_version),
            Some(&plan.current_version),
        )
        .await?;
        Ok(plan)
    }

    /// UpdateSecretVersionStage: moves (or with `to = None` removes) a staging label.
    #[instrument(skip_all, fields(secret = %secret_id, stage = %stage))]
    pub async fn move_stage(
        &self,
        secret_id: &str,
        stage: &str,
        to: Option<&str>,
        from: Option<&str>,
    ) -> Result<()> {
        validate_name("secret name", secret_id)?;
        validate_name("staging label", stage)?;
        self.sm
            .update_secret_version_stage()
            .secret_id(secret_id)
            .version_stage(stage)
            .set_move_to_version_id(to.map(str::to_owned))
            .set_remove_from_version_id(from.map(str::to_owned))
            .send()
            .await
            .map_err(|e| Error::sdk("UpdateSecretVersionStage", secret_id, e))?;
        Ok(())
    }

    /// Rotation settings and dates.
    pub async fn rotation_config(&self, secret_id: &str) -> Result<AwsRotationConfig> {
        Ok(self.describe(secret_id).await?.rotation)
    }

    /// Turns on Lambda rotation with a schedule (RotateSecret with settings).
    /// `rotate_immediately = false` only stores the schedule. The ARN and the schedule are
    /// checked first ([`AwsRotationSchedule::validate`]); nothing is sent when they are wrong.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn enable_rotation(
        &self,
        secret_id: &str,
        lambda_arn: &str,
        schedule: &RotationSchedule,
        rotate_immediately: bool,
    ) -> Result<Option<String>> {
        validate_name("secret name", secret_id)?;
        validate_name("rotation Lambda ARN", lambda_arn)?;
        let trimmed = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let checked = AwsRotationSchedule {
            automatically_after_days: schedule.automatically_after_days,
            schedule_expression: trimmed(&schedule.schedule_expression),
            duration: trimmed(&schedule.duration),
        };
        checked.validate(lambda_arn).map_err(Error::Invalid)?;
        let rules = RotationRulesType::builder()
            .set_automatically_after_days(checked.automatically_after_days)
            .set_schedule_expression(checked.schedule_expression)
            .set_duration(checked.duration)
            .build();
        let out = self
            .sm
            .rotate_secret()
            .secret_id(secret_id)
            .rotation_lambda_arn(lambda_arn.trim())
            .rotation_rules(rules)
            .rotate_immediately(rotate_immediately)
            .client_request_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(|e| Error::sdk("RotateSecret", secret_id, e))?;
        Ok(out.version_id().map(str::to_owned))
    }

    /// Turns rotation off (CancelRotateSecret).
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn disable_rotation(&self, secret_id: &str) -> Result<()> {
        validate_name("secret name", secret_id)?;
        self.sm
            .cancel_rotate_secret()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::sdk("CancelRotateSecret", secret_id, e))?;
        Ok(())
    }

    /// Starts the configured Lambda rotation now; returns the new version id. Refuses a secret
    /// without a rotation Lambda (use [`AwsClient::rotate_client_side`]).
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn rotate_now(&self, secret_id: &str) -> Result<Option<String>> {
        let cfg = self.rotation_config(secret_id).await?;
        if cfg.lambda_arn.is_none() {
            return Err(Error::Invalid(format!(
                "{secret_id} has no rotation Lambda: configure one, or use client-side \
                 rotation"
            )));
        }
        let out = self
            .sm
            .rotate_secret()
            .secret_id(secret_id)
            .client_request_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(|e| Error::sdk("RotateSecret", secret_id, e))?;
        Ok(out.version_id().map(str::to_owned))
    }

    /// GetRandomPassword.
    #[instrument(skip_all)]
    pub async fn random_password(&self, spec: &AwsPasswordSpec) -> Result<SecretString> {
        if !(4..=4096).contains(&spec.length) {
            return Err(Error::Invalid(format!(
                "password length {} is out of range: use 4–4096",
                spec.length
            )));
        }
        let mut out = self
            .sm
            .get_random_password()
            .password_length(i64::from(spec.length))
            .exclude_punctuation(spec.exclude_punctuation)
            .exclude_numbers(spec.exclude_numbers)
            .exclude_uppercase(spec.exclude_uppercase)
            .exclude_lowercase(spec.exclude_lowercase)
            .set_exclude_characters(Some(spec.exclude_characters.clone()).filter(|s| !s.is_empty()))
            .require_each_included_type(spec.require_each_included_type)
            .send()
            .await
            .map_err(|e| Error::sdk("GetRandomPassword", "", e))?;
        out.random_password
            .take()
            .map(SecretString::from)
            .ok_or_else(|| Error::Invalid("GetRandomPassword returned no password".into()))
    }

    /// Client-side rotation for a secret without a Lambda: GetRandomPassword, PutSecretValue
    /// as AWSPENDING, move AWSCURRENT onto it (the old current becomes AWSPREVIOUS, ready
    /// for rollback), then clear AWSPENDING.
    ///
    /// `json_key`: the value is a JSON object and only this key gets the new password (the
    /// other keys are kept); `None`: the whole value becomes the password.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn rotate_client_side(
        &self,
        secret_id: &str,
        spec: &AwsPasswordSpec,
        json_key: Option<&str>,
        expected_current: Option<&str>,
    ) -> Result<AwsRotationOutcome> {
        validate_name("secret name", secret_id)?;
        let current = self.check_current(secret_id, expected_current).await?;
        let password = self.random_password(spec).await?;
        let value = match json_key {
            None => SecretPayload::String(password),
            Some(key) => {
                let old = self
                    .get_value(secret_id, &VersionSelector::Id(current.clone()))
                    .await?;
                let Some(s) = old.value.as_string() else {
                    return Err(Error::Invalid(format!(
                        "{secret_id} holds a binary value: it has no JSON key {key:?}"
                    )));
                };
                let mut doc: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(s.expose_secret()).map_err(|_| {
                        Error::Invalid(format!(
                            "{secret_id}'s value is not a JSON object, so it has no key \
                             {key:?}: rotate the whole value instead"
                        ))
                    })?;
                doc.insert(
                    key.to_owned(),
                    serde_json::Value::String(password.expose_secret().to_owned()),
                );
                let text = serde_json::to_string(&doc)
                    .map_err(|e| Error::Invalid(format!("could not encode the value: {e}")))?;
                // `doc` holds the other keys' values: clear them.
                for (_, v) in doc.iter_mut() {
                    if let serde_json::Value::String(s) = v {
                        zeroize::Zeroize::zeroize(s);
                    }
                }
                SecretPayload::String(SecretString::from(text))
            }
        };
        let pending = self
            .put_with_stages(secret_id, &value, Some(vec![AWS_PENDING.to_owned()]), None)
            .await?;
        self.move_stage(
            secret_id,
            AWS_CURRENT,
            Some(&pending.version_id),
            Some(&current),
        )
        .await
        .map_err(|e| match e {
            Error::Service(mut s) => {
                s.hint = ". The new value is stored as AWSPENDING but is not current: retry \
                          the rotation or move AWSCURRENT by hand";
                Error::Service(s)
            }
            other => other,
        })?;
        self.move_stage(secret_id, AWS_PENDING, None, Some(&pending.version_id))
            .await?;
        Ok(AwsRotationOutcome {
            name: pending.name,
            previous_version: current,
            new_version: pending.version_id,
        })
    }

    /// Reviews the resource policy of every secret matching `filter` (read-only): each is
    /// fetched (at most 8 at a time) and run through the local checks as a save would with
    /// `BlockPublicPolicy` off, so public access shows as a finding. A policy that cannot be
    /// read (access denied, secret deleted meanwhile) is that row's `error`; the review goes on.
    /// Rows come in [`AwsPolicyReviewRow::review_order`].
    #[instrument(skip_all, fields(region = %self.region))]
    pub async fn policy_review(&self, filter: &AwsListFilter) -> Result<Vec<AwsPolicyReviewRow>> {
        use futures::StreamExt;
        let secrets = self.list_all(filter).await?;
        let mut rows: Vec<AwsPolicyReviewRow> = futures::stream::iter(secrets)
            .map(|s| async move {
                let (has_policy, findings, error) = match self.get_policy(&s.arn).await {
                    Ok(Some(text)) => (true, check_policy(&text, false), None),
                    Ok(None) => (false, Vec::new(), None),
                    Err(e) => (false, Vec::new(), Some(e.to_string())),
                };
                AwsPolicyReviewRow {
                    name: s.name,
                    arn: s.arn,
                    has_policy,
                    findings,
                    error,
                }
            })
            .buffer_unordered(8)
            .collect()
            .await;
        rows.sort_by(AwsPolicyReviewRow::review_order);
        Ok(rows)
    }

    /// The resource policy, if any.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn get_policy(&self, secret_id: &str) -> Result<Option<String>> {
        validate_name("secret name", secret_id)?;
        let out = self
            .sm
            .get_resource_policy()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::sdk("GetResourcePolicy", secret_id, e))?;
        Ok(out.resource_policy().map(str::to_owned))
    }

    /// The server's ValidateResourcePolicy. An endpoint that does not implement it (moto
    /// answers HTTP 500 `NotImplementedError`) gives [`AwsServerValidation::Unavailable`].
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn validate_policy(
        &self,
        secret_id: &str,
        text: &str,
    ) -> Result<AwsServerValidation> {
        let mut req = self.sm.validate_resource_policy().resource_policy(text);
        if !secret_id.is_empty() {
            req = req.secret_id(secret_id);
        }
        // One attempt: an endpoint without the operation answers 500, which would otherwise
        // be retried with back-off for seconds.
        let once = aws_sdk_secretsmanager::config::Builder::default()
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1));
        match req.customize().config_override(once).send().await {
            Ok(out) => {
                if out.policy_validation_passed() {
                    Ok(AwsServerValidation::Passed)
                } else {
                    Ok(AwsServerValidation::Failed {
                        errors: out
                            .validation_errors()
                            .iter()
                            .map(|e| {
                                format!(
                                    "{}: {}",
                                    e.check_name().unwrap_or("check"),
                                    e.error_message().unwrap_or_default()
                                )
                            })
                            .collect(),
                    })
                }
            }
            Err(e) => {
                let err = Error::sdk("ValidateResourcePolicy", secret_id, e);
                let status = err.status().unwrap_or(0);
                let not_impl = err.code() == vaultdeck_types::ErrorCode::Unsupported
                    || status == 501
                    || err.aws_code().is_some_and(|c| c.contains("NotImplemented"))
                    || (500..600).contains(&status);
                if not_impl {
                    let why = match err.status() {
                        Some(s) => format!(
                            "the endpoint answered HTTP {s} to ValidateResourcePolicy (it does \
                             not implement it)"
                        ),
                        None => err.to_string(),
                    };
                    Ok(AwsServerValidation::Unavailable {
                        reason: format!(
                            "server-side validation unavailable: {why}; the local checks still \
                             apply"
                        ),
                    })
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Local checks plus the server's validation.
    pub async fn review_policy(
        &self,
        secret_id: &str,
        text: &str,
        block_public_policy: bool,
    ) -> Result<AwsPolicyReport> {
        let findings = check_policy(text, block_public_policy);
        let syntax_ok = !findings.iter().any(|f| f.check == "json_syntax");
        let server = if syntax_ok {
            Some(self.validate_policy(secret_id, text).await?)
        } else {
            None
        };
        Ok(AwsPolicyReport { findings, server })
    }

    /// Saves a resource policy. Refuses (sending nothing) when the local checks find an
    /// error; warnings are the caller's to show.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn put_policy(
        &self,
        secret_id: &str,
        text: &str,
        block_public_policy: bool,
    ) -> Result<()> {
        validate_name("secret name", secret_id)?;
        let errors: Vec<String> = check_policy(text, block_public_policy)
            .into_iter()
            .filter(|f| f.severity == vaultdeck_types::AwsPolicySeverity::Error)
            .map(|f| f.message)
            .collect();
        if !errors.is_empty() {
            return Err(Error::Invalid(format!(
                "the policy for {secret_id} was not saved: {}",
                errors.join("; ")
            )));
        }
        self.sm
            .put_resource_policy()
            .secret_id(secret_id)
            .resource_policy(text)
            .block_public_policy(block_public_policy)
            .send()
            .await
            .map_err(|e| Error::sdk("PutResourcePolicy", secret_id, e))?;
        Ok(())
    }

    /// Deletes the resource policy.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn delete_policy(&self, secret_id: &str) -> Result<()> {
        validate_name("secret name", secret_id)?;
        self.sm
            .delete_resource_policy()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteResourcePolicy", secret_id, e))?;
        Ok(())
    }

    /// Deletes a secret: scheduled after 7–30 days (restorable), or at once.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn delete(&self, secret_id: &str, mode: AwsDeleteMode) -> Result<AwsDeleteOutcome> {
        validate_name("secret name", secret_id)?;
        let mut req = self.sm.delete_secret().secret_id(secret_id);
        match mode {
            AwsDeleteMode::Recoverable { days } => {
                if !(7..=30).contains(&days) {
                    return Err(Error::Invalid(format!(
                        "recovery window of {days} days is out of range: use 7–30 (default 30)"
                    )));
                }
                req = req.recovery_window_in_days(i64::from(days));
            }
            AwsDeleteMode::Force => req = req.force_delete_without_recovery(true),
        }
        let out = req
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteSecret", secret_id, e))?;
        Ok(AwsDeleteOutcome {
            name: out.name().unwrap_or(secret_id).to_owned(),
            arn: out.arn().unwrap_or_default().to_owned(),
            deletion_date: fmt_date(out.deletion_date()),
        })
    }

    /// Cancels a scheduled deletion.
    #[instrument(skip_all, fields(secret = %secret_id))]
    pub async fn restore(&self, secret_id: &str) -> Result<()> {
        validate_name("secret name", secret_id)?;
        self.sm
            .restore_secret()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| Error::sdk("RestoreSecret", secret_id, e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_sort_current_first() {
        let s = sort_stages(vec![
            "custom".into(),
            AWS_PREVIOUS.into(),
            AWS_CURRENT.into(),
            AWS_PENDING.into(),
        ]);
        assert_eq!(s, [AWS_CURRENT, AWS_PENDING, AWS_PREVIOUS, "custom"]);
    }

    #[test]
    fn payload_debug_redacts() {
        let p = SecretPayload::string("sentinel-123");
        assert!(!format!("{p:?}").contains("sentinel"));
        let k = StaticKeys {
            access_key_id: "AKIA1".into(),
            secret_access_key: SecretString::from("sentinel-456".to_owned()),
            session_token: None,
        };
        assert!(!format!("{k:?}").contains("sentinel"));
    }
}
