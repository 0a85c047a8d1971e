"""Conformance check of Vaultdeck's Azure Key Vault test server against Microsoft's official
Python SDK (azure-keyvault-secrets, -keys, -certificates, azure-identity; versions pinned in
scripts/setup.sh).

The SDK parses every response into its typed models, so a field with the wrong shape or a
wrong status code fails here. Run by crates/vaultdeck-testkit/tests/azure_sdk.rs, which starts
the server and passes its URL, tenant, client credentials and CA file:

    python check.py --vault URL --authority URL --tenant T --client-id C --ca ca.pem \
        --certificate NAME   (client secret in AZURE_TEST_CLIENT_SECRET)

Exits non-zero with the list of failed checks.
"""

import argparse
import os
import sys
import time
import traceback
import uuid

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.identity import ClientSecretCredential
from azure.keyvault.certificates import CertificateClient
from azure.keyvault.keys import (
    KeyClient,
    KeyRotationLifetimeAction,
    KeyRotationPolicy,
    KeyRotationPolicyAction,
    KeyType,
)
from azure.keyvault.secrets import SecretClient

RESULTS = []


def check(name):
    def wrap(fn):
        try:
            fn()
            RESULTS.append((name, None))
            print(f"ok   {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            RESULTS.append((name, e))
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
        return fn

    return wrap


def inner_code(err):
    """The innererror code of a Key Vault error (azure-core's ODataV4Format)."""
    inner = getattr(err.error, "innererror", None) or {}
    return inner.get("code")


def refused(call, error, what, status=None, code=None):
    """Runs `call`, which must raise `error` (with HTTP `status` and innererror `code` when
    given); returns the error. `what` says what went wrong when nothing was raised."""
    try:
        call()
    except error as e:
        if status is not None:
            assert e.status_code == status, e.status_code
        if code is not None:
            assert inner_code(e) == code, e.error
        return e
    raise AssertionError(what)


def delete_and_wait(begin_delete, name, collection):
    """Soft-deletes `name` through the SDK's poller, waits, and checks what it returns."""
    poller = begin_delete(name, _polling_interval=0.1)
    poller.wait()
    deleted = poller.result()
    assert deleted.name == name and deleted.recovery_id.endswith(f"/{collection}/{name}")
    assert deleted.deleted_date is not None and deleted.scheduled_purge_date is not None


def recover_and_wait(begin_recover, name):
    """Recovers the deleted `name` through the SDK's poller and waits until it is back."""
    poller = begin_recover(name, _polling_interval=0.1)
    poller.wait()
    assert poller.result().name == name


def purge_too_early_then_later(begin_delete, purge, get_deleted, name, noun):
    """Deletes `name`; purging before the deletion is complete is a 409 ObjectIsBeingDeleted,
    after it the purge succeeds and the deleted item is gone."""
    poller = begin_delete(name, _polling_interval=0.1)
    refused(lambda: purge(name), HttpResponseError, "purge right after delete succeeded",
            409, "ObjectIsBeingDeleted")
    poller.wait()
    purge(name)
    refused(lambda: get_deleted(name), ResourceNotFoundError,
            f"purged {noun} still listed as deleted")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vault", required=True)
    p.add_argument("--authority", required=True)
    p.add_argument("--tenant", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--certificate", required=True)
    a = p.parse_args()
    secret = os.environ["AZURE_TEST_CLIENT_SECRET"]

    cred = ClientSecretCredential(
        a.tenant,
        a.client_id,
        secret,
        authority=a.authority,
        disable_instance_discovery=True,
        connection_verify=a.ca,
    )
    common = dict(verify_challenge_resource=False, connection_verify=a.ca)
    secrets = SecretClient(a.vault, cred, **common)
    keys = KeyClient(a.vault, cred, **common)
    certs = CertificateClient(a.vault, cred, **common)
    run = uuid.uuid4().hex[:8]
    name = f"py-{run}"

    @check("secrets: set, get, second version, get by version")
    def _():
        s1 = secrets.set_secret(name, "v1", content_type="text/plain", tags={"env": "test"})
        assert s1.value == "v1" and s1.properties.content_type == "text/plain", s1
        assert s1.properties.tags == {"env": "test"}
        assert s1.properties.created_on is not None and len(s1.properties.version) == 32
        s2 = secrets.set_secret(name, "v2")
        got = secrets.get_secret(name)
        assert got.value == "v2" and got.properties.version == s2.properties.version
        old = secrets.get_secret(name, s1.properties.version)
        assert old.value == "v1"
        assert str(old.properties.recovery_level) in (
            "Recoverable+Purgeable",
            "DeletionRecoveryLevel.RECOVERABLE_PURGEABLE",
        ), old.properties.recovery_level

    @check("secrets: list all pages (maxresults=1, empty pages, absolute nextLink)")
    def _():
        for i in range(3):
            secrets.set_secret(f"{name}-page{i}", f"p{i}")
        names = [s.name for s in secrets.list_properties_of_secrets(max_page_size=1)]
        for want in [name] + [f"{name}-page{i}" for i in range(3)]:
            assert want in names, (want, names)
        assert len(names) == len(set(names)), names

    @check("secrets: versions list")
    def _():
        vs = list(secrets.list_properties_of_secret_versions(name, max_page_size=1))
        assert len(vs) == 2, vs
        assert all(v.version and v.name == name for v in vs)

    @check("secrets: update properties, disabled -> 403 SecretDisabled")
    def _():
        exp = int(time.time()) + 86400 * 30
        from datetime import datetime, timezone

        props = secrets.update_secret_properties(
            name,
            enabled=False,
            expires_on=datetime.fromtimestamp(exp, timezone.utc),
            tags={"env": "prod"},
            content_type="application/json",
        )
        assert props.enabled is False and props.tags == {"env": "prod"}
        assert int(props.expires_on.timestamp()) == exp
        refused(lambda: secrets.get_secret(name), HttpResponseError,
                "disabled secret was readable", 403, "SecretDisabled")
        secrets.update_secret_properties(name, enabled=True)
        assert secrets.get_secret(name).value == "v2"

    @check("secrets: missing -> ResourceNotFoundError SecretNotFound")
    def _():
        e = refused(lambda: secrets.get_secret(f"{name}-missing"), ResourceNotFoundError,
                    "missing secret found")
        assert e.error.code == "SecretNotFound", e.error

    backup = {}

    @check("secrets: backup")
    def _():
        backup["blob"] = secrets.backup_secret(name)
        assert isinstance(backup["blob"], bytes) and len(backup["blob"]) > 16

    @check("secrets: delete (poller), set on deleted name -> 409 ObjectIsDeletedButRecoverable")
    def _():
        delete_and_wait(secrets.begin_delete_secret, name, "deletedsecrets")
        refused(lambda: secrets.set_secret(name, "v3"), ResourceExistsError,
                "set on a deleted name succeeded", 409, "ObjectIsDeletedButRecoverable")

    @check("secrets: get deleted, list deleted")
    def _():
        d = secrets.get_deleted_secret(name)
        assert d.name == name and d.scheduled_purge_date > d.deleted_date
        listed = [d.name for d in secrets.list_deleted_secrets(max_page_size=1)]
        assert name in listed, listed

    @check("secrets: recover (poller) then readable again")
    def _():
        recover_and_wait(secrets.begin_recover_deleted_secret, name)
        assert secrets.get_secret(name).value == "v2"

    @check("secrets: purge too early -> 409 ObjectIsBeingDeleted; purge later -> ok")
    def _():
        purge_too_early_then_later(secrets.begin_delete_secret, secrets.purge_deleted_secret,
                                   secrets.get_deleted_secret, name, "secret")

    @check("secrets: restore from backup, restore again -> 409")
    def _():
        props = secrets.restore_secret_backup(backup["blob"])
        assert props.name == name
        assert secrets.get_secret(name).value == "v2"
        assert len(list(secrets.list_properties_of_secret_versions(name))) == 2
        refused(lambda: secrets.restore_secret_backup(backup["blob"]), ResourceExistsError,
                "restore onto an existing name succeeded")

    @check("secrets: every GA api-version works")
    def _():
        for v in ["7.5", "7.6", "2025-07-01", "2026-04-01"]:
            c = SecretClient(a.vault, cred, api_version=v, **common)
            assert c.get_secret(name).value == "v2", v

    @check("identity: wrong client secret -> ClientAuthenticationError")
    def _():
        bad = ClientSecretCredential(
            a.tenant, a.client_id, "wrong", authority=a.authority,
            disable_instance_discovery=True, connection_verify=a.ca,
        )
        refused(lambda: SecretClient(a.vault, bad, **common).get_secret(name),
                ClientAuthenticationError, "wrong secret accepted")

    kname = f"pykey-{run}"

    @check("keys: create RSA and EC, get, list, versions")
    def _():
        rsa = keys.create_rsa_key(kname, size=2048, tags={"t": "1"})
        assert rsa.key_type == KeyType.rsa and len(rsa.key.n) == 256 and rsa.key.e
        ec = keys.create_ec_key(f"{kname}-ec", curve="P-256")
        assert ec.key_type == KeyType.ec and ec.key.crv == "P-256", (ec.key_type, ec.key.crv)
        assert len(ec.key.x) == 32
        got = keys.get_key(kname)
        assert got.id == rsa.id and got.properties.tags == {"t": "1"}
        names = [k.name for k in keys.list_properties_of_keys(max_page_size=1)]
        assert kname in names and f"{kname}-ec" in names, names

    @check("keys: rotate, versions")
    def _():
        before = keys.get_key(kname)
        rotated = keys.rotate_key(kname)
        assert rotated.properties.version != before.properties.version
        assert rotated.key_type == before.key_type
        vs = list(keys.list_properties_of_key_versions(kname))
        assert len(vs) == 2, vs

    @check("keys: rotation policy default, update, read back")
    def _():
        default = keys.get_key_rotation_policy(kname)
        assert default.lifetime_actions, default
        policy = KeyRotationPolicy(
            expires_in="P1Y",
            lifetime_actions=[
                KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create="P90D"),
                KeyRotationLifetimeAction(KeyRotationPolicyAction.notify, time_before_expiry="P30D"),
            ],
        )
        updated = keys.update_key_rotation_policy(kname, policy)
        assert updated.expires_in == "P1Y", updated.expires_in
        got = keys.get_key_rotation_policy(kname)
        acts = {(str(x.action).lower().split(".")[-1], x.time_after_create, x.time_before_expiry)
                for x in got.lifetime_actions}
        assert ("rotate", "P90D", None) in acts and ("notify", None, "P30D") in acts, acts
        assert got.updated_on is not None

    @check("keys: invalid rotation policy -> 400 BadParameter")
    def _():
        bad_policy = KeyRotationPolicy(
            lifetime_actions=[KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create="90 days")]
        )
        e = refused(lambda: keys.update_key_rotation_policy(kname, bad_policy), HttpResponseError,
                    "invalid duration accepted", 400)
        assert e.error.code == "BadParameter", e.error

    @check("keys: update one version (disable, tags), enable again")
    def _():
        vs = sorted(keys.list_properties_of_key_versions(kname), key=lambda p: p.created_on)
        old = vs[0].version
        upd = keys.update_key_properties(kname, old, enabled=False, tags={"state": "off"})
        assert upd.properties.version == old and upd.properties.enabled is False
        assert upd.properties.tags == {"state": "off"}, upd.properties.tags
        assert keys.get_key(kname).properties.enabled is True  # the current version is untouched
        states = {p.version: p.enabled for p in keys.list_properties_of_key_versions(kname)}
        assert states[old] is False and list(states.values()).count(True) == 1, states
        assert keys.update_key_properties(kname, old, enabled=True).properties.enabled is True

    @check("keys: delete (poller), create on deleted name -> 409 ObjectIsDeletedButRecoverable")
    def _():
        delete_and_wait(keys.begin_delete_key, kname, "deletedkeys")
        e = refused(lambda: keys.get_key(kname), ResourceNotFoundError,
                    "a deleted key is still readable")
        assert e.error.code == "KeyNotFound", e.error
        refused(lambda: keys.create_rsa_key(kname, size=2048), ResourceExistsError,
                "create on a deleted name succeeded", 409, "ObjectIsDeletedButRecoverable")

    @check("keys: get deleted, list deleted")
    def _():
        d = keys.get_deleted_key(kname)
        assert d.name == kname and d.scheduled_purge_date > d.deleted_date
        assert d.key_type == KeyType.rsa
        listed = [d.name for d in keys.list_deleted_keys(max_page_size=1)]
        assert kname in listed, listed

    @check("keys: recover (poller) keeps versions and rotation policy")
    def _():
        recover_and_wait(keys.begin_recover_deleted_key, kname)
        assert len(list(keys.list_properties_of_key_versions(kname))) == 2
        assert keys.get_key_rotation_policy(kname).expires_in == "P1Y"

    @check("keys: purge too early -> 409 ObjectIsBeingDeleted; purge later -> ok")
    def _():
        purge_too_early_then_later(keys.begin_delete_key, keys.purge_deleted_key,
                                   keys.get_deleted_key, kname, "key")
        # The name is free again.
        again = keys.create_ec_key(kname, curve="P-256")
        assert again.name == kname and len(list(keys.list_properties_of_key_versions(kname))) == 1

    @check("certificates: get, list, versions")
    def _():
        c = certs.get_certificate(a.certificate)
        assert c.name == a.certificate and c.cer and len(c.cer) > 100
        assert c.policy.subject.startswith("CN="), c.policy.subject
        assert c.policy.issuer_name == "Self"
        assert c.properties.expires_on is not None and c.properties.x509_thumbprint
        names = [x.name for x in certs.list_properties_of_certificates(max_page_size=1)]
        assert a.certificate in names, names
        vs = list(certs.list_properties_of_certificate_versions(a.certificate))
        assert len(vs) == 2 and all(v.version for v in vs), vs

    failed = [n for n, e in RESULTS if e is not None]
    print(f"python SDK conformance: {len(RESULTS) - len(failed)} ok, {len(failed)} failing")
    if failed:
        print("failing checks: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
