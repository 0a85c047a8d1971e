//! The Leases screen: a streamed, cancelable scan of the connection's leases (progress bar and
//! cancel), the dashboard cards, an expiry timeline drawn as SVG, a filterable, sortable lease
//! table, and the lease actions: renew (with the capped warning), revoke one (confirmed),
//! revoke-prefix (preview count, prefix typed to confirm) and revoke-force (a second
//! confirmation: database users remain).

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use vaultdeck_types::{
    CancelJob, CancelJobArgs, ErrorCode, IpcError, LeaseBatch, LeaseDashboardView,
    LeaseRevokeState, LeaseRow, LeaseScanArgs, LeaseScanProgress, LeaseScanReport, RenewLease,
    RenewLeaseArgs, RevokeLease, RevokeLeaseArgs, RevokeLeaseForce, RevokeLeasePrefix,
    RevokePrefixArgs, StartLeaseScan,
};
use vaultdeck_types::{
    CopyIssuedPassword, IssueCredsArgs, IssueDbCredentials, IssuedCredentials, IssuedCredsRef,
    RevealIssuedPassword, RevealedValue,
};
use vaultdeck_types::{
    ListTokens, ProfileRef, RenewToken, RevokeAccessorArgs, RevokeTokenAccessor, TokenInventory,
    TokenRow,
};
use vaultdeck_ui::format::format_ttl;
use vaultdeck_ui::format::{remaining_ttl, ttl_label};
use vaultdeck_ui::leases_model::{count_under, timeline_bars, visible, LeaseFilter, LeaseSort};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::notice::NotConnected;
use crate::components::select_value;
use crate::contexts::connections::{use_connections, ConnectionsAction};
use crate::contexts::toasts::use_toaster;
use crate::hooks::use_now;
use crate::ipc;

/// The Leases screen.
#[component]
pub fn LeasesPage() -> Html {
    let conns = use_connections();
    let Some(active) = conns.active_summary() else {
        return html! { <NotConnected screen="Leases" /> };
    };
    html! {
        <section class="page leases-page">
            <h1>{ "Leases" }</h1>
            <p class="muted">{ format!("{} · {}", active.name, active.address) }</p>
            <LeaseScreen key={active.profile_id.clone()} profile_id={active.profile_id.clone()} />
        </section>
    }
}

/// Properties of [`LeaseScreen`].
#[derive(Properties, PartialEq)]
pub struct LeaseScreenProps {
    /// The connection.
    pub profile_id: AttrValue,
}

/// What the scan produced so far.
#[derive(Default, Clone, PartialEq)]
struct Scan {
    job: Option<String>,
    rows: Vec<LeaseRow>,
    progress: Option<LeaseScanProgress>,
    report: Option<LeaseScanReport>,
    error: Option<IpcError>,
}

enum ScanAction {
    Start(String),
    Batch(LeaseBatch),
    Done(Result<LeaseScanReport, IpcError>),
    /// A lease is gone (revoked): drop its row.
    Remove(String),
    /// A lease was renewed for this many seconds.
    Renewed(String, u64),
}

impl Reducible for Scan {
    type Action = ScanAction;

    fn reduce(self: Rc<Self>, action: ScanAction) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        match action {
            ScanAction::Start(job) => {
                s = Scan {
                    job: Some(job),
                    ..Scan::default()
                }
            }
            ScanAction::Batch(b) => {
                s.rows.extend(b.leases);
                s.progress = Some(b.progress);
            }
            ScanAction::Done(r) => {
                s.job = None;
                match r {
                    Ok(r) => {
                        s.progress = Some(r.progress);
                        s.report = Some(r);
                    }
                    Err(e) => s.error = Some(e),
                }
            }
            ScanAction::Remove(id) => s.rows.retain(|l| l.id != id),
            ScanAction::Renewed(id, secs) => {
                if let Some(l) = s.rows.iter_mut().find(|l| l.id == id) {
                    l.ttl = secs as i64;
                }
            }
        }
        Rc::new(s)
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// Scan controls, dashboard, timeline, table and actions for one connection.
#[component]
pub fn LeaseScreen(props: &LeaseScreenProps) -> Html {
    let scan = use_reducer(Scan::default);
    let scan_prefix = use_state(String::new);
    let filter = use_state(LeaseFilter::default);
    let sort = use_state(LeaseSort::default);
    let pid = props.profile_id.to_string();

    let start = {
        let (scan, scan_prefix, pid) = (scan.clone(), scan_prefix.clone(), pid.clone());
        Callback::from(move |_: MouseEvent| {
            let job_id = format!("leases-{}", js_sys::Date::now() as u64);
            scan.dispatch(ScanAction::Start(job_id.clone()));
            let args = LeaseScanArgs {
                profile_id: pid.clone(),
                prefix: (*scan_prefix).trim().to_owned(),
                job_id,
            };
            let scan = scan.clone();
            spawn_local(async move {
                let on_batch = {
                    let scan = scan.clone();
                    move |b: LeaseBatch| scan.dispatch(ScanAction::Batch(b))
                };
                let r = ipc::call_with_channel::<StartLeaseScan, LeaseBatch>(
                    &args, "onBatch", on_batch,
                )
                .await;
                scan.dispatch(ScanAction::Done(r));
            });
        })
    };
    let cancel = {
        let job = scan.job.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(job_id) = job.clone() {
                spawn_local(async move {
                    let _ = ipc::call::<CancelJob>(&CancelJobArgs { job_id }).await;
                });
            }
        })
    };
    let on_removed = {
        let scan = scan.clone();
        Callback::from(move |id: String| scan.dispatch(ScanAction::Remove(id)))
    };
    let on_renewed = {
        let scan = scan.clone();
        Callback::from(move |(id, secs): (String, u64)| {
            scan.dispatch(ScanAction::Renewed(id, secs))
        })
    };

    let scanning = scan.job.is_some();
    let rows = visible(&scan.rows, &filter, *sort);
    html! {
        <div class="leases-layout">
            <div class="lease-scan-bar">
                <label for="lease-scan-prefix">{ "Prefix" }</label>
                <input id="lease-scan-prefix" type="text" placeholder="all leases (or database/creds/readonly)"
                    aria-label="Lease prefix to scan" value={(*scan_prefix).clone()}
                    oninput={{ let p = scan_prefix.clone(); Callback::from(move |e: InputEvent| p.set(input_value(&e))) }} />
                if scanning {
                    <button type="button" id="lease-cancel" class="danger-ghost" onclick={cancel}>{ "Cancel scan" }</button>
                } else {
                    <button type="button" id="lease-scan" class="primary" onclick={start}>{ "Scan leases" }</button>
                }
            </div>
            <ScanStatus scanning={scanning} progress={scan.progress} report={scan.report.clone()} />
            if let Some(e) = &scan.error {
                <ScanError error={e.clone()} />
            }
            if let Some(r) = &scan.report {
                <Dashboard dashboard={r.dashboard.clone()} />
                <Timeline dashboard={r.dashboard.clone()} />
            }
            <LeaseTable rows={rows.into_iter().cloned().collect::<Vec<_>>()} filter={(*filter).clone()} sort={*sort}
                on_filter={{ let f = filter.clone(); Callback::from(move |v| f.set(v)) }}
                on_sort={{ let s = sort.clone(); Callback::from(move |v| s.set(v)) }}
                profile_id={props.profile_id.clone()} on_removed={on_removed} on_renewed={on_renewed} />
            <RevokePrefixPanel profile_id={props.profile_id.clone()} rows={scan.rows.clone()} />
            <TokensPanel profile_id={props.profile_id.clone()} />
            <CredsPanel profile_id={props.profile_id.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ScanStatusProps {
    scanning: bool,
    progress: Option<LeaseScanProgress>,
    report: Option<LeaseScanReport>,
}

#[component]
fn ScanStatus(props: &ScanStatusProps) -> Html {
    if !props.scanning && props.progress.is_none() {
        return html! {};
    }
    let p = props.progress.unwrap_or_default();
    let max = (p.leases_found + p.pending).max(1);
    html! {
        <div id="lease-progress" class="lease-progress" role="status"
            data-done={(!props.scanning).to_string()} data-found={p.leases_looked_up.to_string()}>
            <progress aria-label="Lease scan progress" max={max.to_string()}
                value={if props.scanning { p.leases_looked_up.to_string() } else { max.to_string() }} />
            <span>{ format!("{} prefixes listed, {} leases found, {} looked up, {} pending{}",
                p.prefixes_done, p.leases_found, p.leases_looked_up, p.pending,
                if p.vanished > 0 { format!(", {} vanished", p.vanished) } else { String::new() }) }</span>
            if p.prefixes_denied > 0 {
                <span id="lease-denied-prefixes" class="lease-status warn">{ format!(
                    " · {} prefix(es) not listable with this token: skipped (their leases are not shown)", p.prefixes_denied) }</span>
            }
            if let Some(r) = &props.report {
                <span id="lease-report" class="muted">{
                    format!(" · {} in {} ms", if r.cancelled { "cancelled (partial results)" } else { "done" }, r.elapsed_ms)
                }</span>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ScanErrorProps {
    error: IpcError,
}

/// A failed scan; without `list` + `sudo` the exact message and the policy line to add.
#[component]
fn ScanError(props: &ScanErrorProps) -> Html {
    let e = &props.error;
    if e.code == ErrorCode::PermissionDenied {
        let line = e.message.find("path \"").map(|i| e.message[i..].to_owned());
        return html! {
            <div id="lease-permission" class="notice warning" role="alert">
                <p>{ e.message.clone() }</p>
                if let Some(line) = line {
                    <p>{ "Add this line to one of the token's policies:" }</p>
                    <pre id="lease-permission-policy" class="policy-line">{ line }</pre>
                }
            </div>
        };
    }
    html! { <div id="lease-error" class="notice error" role="alert">{ e.message.clone() }</div> }
}

#[derive(Properties, PartialEq)]
struct DashboardProps {
    dashboard: LeaseDashboardView,
}

#[component]
fn Dashboard(props: &DashboardProps) -> Html {
    let d = &props.dashboard;
    let card = |id: &'static str, label: &'static str, value: String| {
        html! {
            <div class="lease-card" id={id} aria-label={label}>
                <span class="lease-card-value">{ value }</span>
                <span class="lease-card-label">{ label }</span>
            </div>
        }
    };
    let counts = |id: &'static str,
                  title: &'static str,
                  m: &std::collections::BTreeMap<String, u64>| {
        html! {
            <div class="lease-counts" id={id}>
                <h3>{ title }</h3>
                <ul>
                    { for m.iter().map(|(k, n)| html! { <li data-key={k.clone()}><span>{ k.clone() }</span><span class="count">{ n.to_string() }</span></li> }) }
                </ul>
            </div>
        }
    };
    html! {
        <section class="lease-dashboard" aria-label="Lease dashboard">
            <div class="lease-cards">
                { card("lease-total", "Leases", d.total.to_string()) }
                { card("lease-expiring-1h", "Expiring within 1 h", d.expiring_1h.to_string()) }
                { card("lease-expiring-24h", "Expiring within 24 h", d.expiring_24h.to_string()) }
                { card("lease-irrevocable", "Irrevocable", d.irrevocable.map(|n| n.to_string()).unwrap_or_else(|| "n/a".into())) }
                { card("lease-non-renewable", "Not renewable", d.non_renewable.to_string()) }
            </div>
            <div class="lease-breakdown">
                { counts("lease-per-mount", "Per mount", &d.per_mount) }
                { counts("lease-per-role", "Per role", &d.per_role) }
            </div>
        </section>
    }
}

const CHART_W: f64 = 600.0;
const CHART_H: f64 = 120.0;

/// The expiry timeline: one SVG bar per bucket (SVG attributes, no style attributes).
#[component]
fn Timeline(props: &DashboardProps) -> Html {
    let bars = timeline_bars(&props.dashboard.histogram, CHART_W, CHART_H);
    let summary = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.count))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <figure class="lease-timeline-figure">
            <figcaption>{ "Expiries" }</figcaption>
            <svg id="lease-timeline" class="lease-timeline" role="img" aria-label={format!("Lease expiries: {summary}")}
                viewBox={format!("0 0 {CHART_W} {}", CHART_H + 36.0)} width="100%" height="160">
                { for bars.iter().map(|b| html! {
                    <g class="lease-bar" data-label={b.label.clone()} data-count={b.count.to_string()}>
                        <title>{ format!("{}: {} lease(s)", b.label, b.count) }</title>
                        <rect x={b.x.to_string()} y={b.y.to_string()} width={b.width.to_string()} height={b.height.to_string()} rx="2" />
                        <text class="lease-bar-count" x={(b.x + b.width / 2.0).to_string()} y={(b.y - 3.0).max(10.0).to_string()} text-anchor="middle">{ b.count.to_string() }</text>
                        <text class="lease-bar-label" x={(b.x + b.width / 2.0).to_string()} y={(CHART_H + 16.0).to_string()} text-anchor="middle">{ b.label.clone() }</text>
                    </g>
                }) }
                <line class="lease-axis" x1="0" y1={CHART_H.to_string()} x2={CHART_W.to_string()} y2={CHART_H.to_string()} />
            </svg>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct LeaseTableProps {
    rows: Vec<LeaseRow>,
    filter: LeaseFilter,
    sort: LeaseSort,
    on_filter: Callback<LeaseFilter>,
    on_sort: Callback<LeaseSort>,
    profile_id: AttrValue,
    on_removed: Callback<String>,
    on_renewed: Callback<(String, u64)>,
}

#[component]
fn LeaseTable(props: &LeaseTableProps) -> Html {
    let increment = use_state(|| "3600".to_owned());
    let confirm_revoke = use_state(|| None::<String>);
    let status = use_state(|| None::<(bool, String)>);
    let toaster = use_toaster();
    let f = props.filter.clone();

    let renew = {
        let (increment, status, toaster, pid, renewed) = (
            increment.clone(),
            status.clone(),
            toaster.clone(),
            props.profile_id.to_string(),
            props.on_renewed.clone(),
        );
        Callback::from(move |lease_id: String| {
            let args = RenewLeaseArgs {
                profile_id: pid.clone(),
                lease_id,
                increment: increment.trim().parse().ok(),
            };
            let (status, toaster, renewed) = (status.clone(), toaster.clone(), renewed.clone());
            spawn_local(async move {
                match ipc::call::<RenewLease>(&args).await {
                    Ok(r) => {
                        renewed.emit((r.lease_id.clone(), r.granted_secs));
                        let mut msg = format!(
                            "Renewed {}: {} granted",
                            r.lease_id,
                            format_ttl(r.granted_secs)
                        );
                        if r.capped {
                            msg.push_str(&format!(
                                " — capped: asked for {}, the role's max TTL allows less",
                                r.requested_secs.map(format_ttl).unwrap_or_default()
                            ));
                        }
                        for w in &r.warnings {
                            msg.push_str(&format!(" · {w}"));
                        }
                        toaster.success(msg.clone());
                        status.set(Some((!r.capped, msg)));
                    }
                    Err(e) => {
                        toaster.error(e.message.clone());
                        status.set(Some((false, e.message)));
                    }
                }
            });
        })
    };
    let revoke = {
        let (confirm_revoke, status, toaster, pid, removed) = (
            confirm_revoke.clone(),
            status.clone(),
            toaster.clone(),
            props.profile_id.to_string(),
            props.on_removed.clone(),
        );
        Callback::from(move |(lease_id, sync): (String, bool)| {
            confirm_revoke.set(None);
            let args = RevokeLeaseArgs {
                profile_id: pid.clone(),
                lease_id: lease_id.clone(),
                sync,
            };
            let (status, toaster, removed) = (status.clone(), toaster.clone(), removed.clone());
            spawn_local(async move {
                match ipc::call::<RevokeLease>(&args).await {
                    Ok(st) => {
                        let msg = match st {
                            LeaseRevokeState::Revoked => format!("Revoked {lease_id}"),
                            LeaseRevokeState::Pending => format!("Revocation of {lease_id} pending (the server revokes it in the background)"),
                        };
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        removed.emit(lease_id);
                    }
                    Err(e) => {
                        toaster.error(e.message.clone());
                        status.set(Some((false, e.message)));
                    }
                }
            });
        })
    };
    let sort_btn = |key: LeaseSort, label: &'static str, id: &'static str| {
        let on_sort = props.on_sort.clone();
        html! {
            <button type="button" id={id} class={classes!("sort", (props.sort == key).then_some("active"))}
                aria-pressed={(props.sort == key).to_string()} onclick={Callback::from(move |_| on_sort.emit(key))}>{ label }</button>
        }
    };

    html! {
        <section class="lease-table-panel" aria-label="Leases">
            <div class="lease-filters">
                <input id="lease-filter-prefix" type="search" aria-label="Filter leases by prefix" placeholder="Filter by prefix"
                    value={f.prefix.clone()}
                    oninput={{ let (f, cb) = (f.clone(), props.on_filter.clone()); Callback::from(move |e: InputEvent| cb.emit(LeaseFilter { prefix: input_value(&e), ..f.clone() })) }} />
                <select id="lease-filter-ttl" aria-label="Filter leases by time left" onchange={{
                    let (f, cb) = (f.clone(), props.on_filter.clone());
                    Callback::from(move |e: Event| cb.emit(LeaseFilter { max_ttl_secs: select_value(&e).parse().ok(), ..f.clone() }))
                }}>
                    <option value="" selected={f.max_ttl_secs.is_none()}>{ "any time left" }</option>
                    <option value="3600" selected={f.max_ttl_secs == Some(3600)}>{ "≤ 1 h" }</option>
                    <option value="86400" selected={f.max_ttl_secs == Some(86400)}>{ "≤ 24 h" }</option>
                </select>
                <select id="lease-filter-renewable" aria-label="Filter leases by renewable" onchange={{
                    let (f, cb) = (f.clone(), props.on_filter.clone());
                    Callback::from(move |e: Event| cb.emit(LeaseFilter { renewable: match select_value(&e).as_str() { "yes" => Some(true), "no" => Some(false), _ => None }, ..f.clone() }))
                }}>
                    <option value="" selected={f.renewable.is_none()}>{ "renewable or not" }</option>
                    <option value="yes" selected={f.renewable == Some(true)}>{ "renewable" }</option>
                    <option value="no" selected={f.renewable == Some(false)}>{ "not renewable" }</option>
                </select>
                <span class="muted">{ "Sort:" }</span>
                { sort_btn(LeaseSort::Id, "Id", "lease-sort-id") }
                { sort_btn(LeaseSort::Ttl, "TTL", "lease-sort-ttl") }
                { sort_btn(LeaseSort::Role, "Role", "lease-sort-role") }
                <label for="lease-increment">{ "Renew by (s)" }</label>
                <input id="lease-increment" type="number" min="1" aria-label="Renew increment in seconds" value={(*increment).clone()}
                    oninput={{ let i = increment.clone(); Callback::from(move |e: InputEvent| i.set(input_value(&e))) }} />
            </div>
            if let Some((ok, msg)) = &*status {
                <p id="lease-status" role="status" class={classes!("lease-status", if *ok { "ok" } else { "warn" })}>{ msg.clone() }</p>
            }
            <table class="lease-table" id="lease-table">
                <thead><tr><th>{ "Lease" }</th><th>{ "Role" }</th><th>{ "TTL" }</th><th>{ "Expires" }</th><th>{ "Renewable" }</th><th>{ "Actions" }</th></tr></thead>
                <tbody>
                    { for props.rows.iter().map(|l| {
                        let id = l.id.clone();
                        let confirming = confirm_revoke.as_deref() == Some(l.id.as_str());
                        html! {
                            <tr class="lease-row" data-lease-id={l.id.clone()} key={l.id.clone()}>
                                <td class="mono">{ l.id.clone() }</td>
                                <td>{ l.role.clone() }</td>
                                <td>{ match (&l.expire_time, l.ttl) {
                                    (None, _) => "no expiry".to_owned(),
                                    (Some(_), t) if t > 0 => format_ttl(t as u64),
                                    _ => "expired".to_owned(),
                                } }</td>
                                <td>{ l.expire_time.clone().unwrap_or_else(|| "never".into()) }</td>
                                <td>{ if l.renewable { "yes" } else { "no" } }</td>
                                <td class="actions">
                                    if confirming {
                                        <span class="confirm">{ "Revoke this lease?" }</span>
                                        <button type="button" class="danger lease-revoke-confirm" aria-label={format!("Confirm revoking {}", l.id)}
                                            onclick={{ let (r, id) = (revoke.clone(), id.clone()); Callback::from(move |_| r.emit((id.clone(), true))) }}>{ "Revoke" }</button>
                                        <button type="button" class="lease-revoke-async" aria-label={format!("Revoke {} in the background", l.id)}
                                            onclick={{ let (r, id) = (revoke.clone(), id.clone()); Callback::from(move |_| r.emit((id.clone(), false))) }}>{ "In background" }</button>
                                        <button type="button" class="ghost" onclick={{ let c = confirm_revoke.clone(); Callback::from(move |_| c.set(None)) }}>{ "Keep" }</button>
                                    } else {
                                        <button type="button" class="lease-renew" disabled={!l.renewable} aria-label={format!("Renew {}", l.id)}
                                            onclick={{ let (r, id) = (renew.clone(), id.clone()); Callback::from(move |_| r.emit(id.clone())) }}>{ "Renew" }</button>
                                        <button type="button" class="danger-ghost lease-revoke" aria-label={format!("Revoke {}", l.id)}
                                            onclick={{ let (c, id) = (confirm_revoke.clone(), id.clone()); Callback::from(move |_| c.set(Some(id.clone()))) }}>{ "Revoke…" }</button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if props.rows.is_empty() {
                <p class="muted" id="lease-empty">{ "No leases to show. Scan, or change the filters." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RevokePrefixProps {
    profile_id: AttrValue,
    rows: Vec<LeaseRow>,
}

/// Revoke (or force-revoke) every lease under a prefix: preview count, typed prefix, and for
/// force a second confirmation that backend objects remain.
#[component]
fn RevokePrefixPanel(props: &RevokePrefixProps) -> Html {
    let prefix = use_state(String::new);
    let typed = use_state(String::new);
    let force = use_state(|| false);
    let understood = use_state(|| false);
    let busy = use_state(|| false);
    let result = use_state(|| None::<(bool, String)>);
    let toaster = use_toaster();

    let p = prefix.trim().trim_matches('/').to_owned();
    let preview = count_under(&props.rows, &p);
    let matches = !p.is_empty() && typed.trim().trim_matches('/') == p;
    let can = matches && !*busy && (!*force || *understood);

    let submit = {
        let (typed, force, understood, busy, result, toaster) = (
            typed.clone(),
            force.clone(),
            understood.clone(),
            busy.clone(),
            result.clone(),
            toaster.clone(),
        );
        let (pid, p) = (props.profile_id.to_string(), p.clone());
        Callback::from(move |_: MouseEvent| {
            let args = RevokePrefixArgs {
                profile_id: pid.clone(),
                prefix: p.clone(),
                confirm_prefix: (*typed).clone(),
                previewed: Some(preview as u64),
                i_understand_backend_objects_remain: *understood,
            };
            let is_force = *force;
            busy.set(true);
            let (typed, busy, result, toaster, p) = (
                typed.clone(),
                busy.clone(),
                result.clone(),
                toaster.clone(),
                p.clone(),
            );
            spawn_local(async move {
                let r = if is_force {
                    ipc::call::<RevokeLeaseForce>(&args).await
                } else {
                    ipc::call::<RevokeLeasePrefix>(&args).await
                };
                busy.set(false);
                match r {
                    Ok(()) => {
                        let msg = if is_force {
                            format!("Force-revoked the leases under {p}. Database users and other backend objects remain: remove them by hand.")
                        } else {
                            format!("Revoked {preview} lease(s) under {p}. Scan again to refresh the list.")
                        };
                        toaster.success(msg.clone());
                        result.set(Some((true, msg)));
                        typed.set(String::new());
                    }
                    Err(e) => {
                        toaster.error(e.message.clone());
                        result.set(Some((false, e.message)));
                    }
                }
            });
        })
    };

    html! {
        <section class="revoke-prefix-panel" aria-label="Revoke by prefix">
            <h2>{ "Revoke by prefix" }</h2>
            <div class="revoke-prefix-form">
                <label for="revoke-prefix">{ "Prefix" }</label>
                <input id="revoke-prefix" type="text" aria-label="Lease prefix to revoke" placeholder="database/creds/readonly"
                    value={(*prefix).clone()}
                    oninput={{ let s = prefix.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e))) }} />
                if !p.is_empty() {
                    <p id="revoke-prefix-preview" data-count={preview.to_string()}>
                        { format!("{preview} lease(s) in the last scan are under {p}.") }
                    </p>
                    <label for="revoke-prefix-input">{ format!("Type {p} to confirm") }</label>
                    <input id="revoke-prefix-input" type="text" aria-label="Type the prefix to confirm" autocomplete="off"
                        value={(*typed).clone()}
                        oninput={{ let s = typed.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e))) }} />
                    <label class="check">
                        <input id="revoke-force" type="checkbox" checked={*force} aria-label="Force revoke"
                            onchange={{ let s = force.clone(); Callback::from(move |e: Event| s.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />
                        { "Force (forget the leases even when the backend cannot revoke them)" }
                    </label>
                    if *force {
                        <div class="notice warning" id="revoke-force-warning">
                            <p>{ "Force-revoke removes the leases from Vault without revoking them in the backend: the database users (and other backend objects) REMAIN and must be dropped by hand." }</p>
                            <label class="check">
                                <input id="revoke-force-understand" type="checkbox" checked={*understood}
                                    aria-label="I understand backend objects remain"
                                    onchange={{ let s = understood.clone(); Callback::from(move |e: Event| s.set(e.target_unchecked_into::<HtmlInputElement>().checked())) }} />
                                { "I understand the database users remain" }
                            </label>
                        </div>
                    }
                    <button type="button" id="revoke-prefix-confirm" class="danger" disabled={!can} onclick={submit}>
                        { if *busy { "Revoking…".to_owned() } else if *force { format!("Force-revoke {p}") } else { format!("Revoke {preview} lease(s)") } }
                    </button>
                }
            </div>
            if let Some((ok, msg)) = &*result {
                <p id="revoke-prefix-result" role="status" class={classes!("lease-status", if *ok { "ok" } else { "warn" })}>{ msg.clone() }</p>
            }
        </section>
    }
}

/// Properties of [`TokensPanel`].
#[derive(Properties, PartialEq)]
struct TokensPanelProps {
    profile_id: AttrValue,
}

/// The session token's TTL with renew-self, and the token inventory (where permitted): filter,
/// "find root tokens", revoke by accessor (confirmed).
#[component]
fn TokensPanel(props: &TokensPanelProps) -> Html {
    let conns = use_connections();
    let toaster = use_toaster();
    let now = use_now();
    let inventory = use_state(|| None::<Result<TokenInventory, IpcError>>);
    let loading = use_state(|| false);
    let text = use_state(String::new);
    let root_only = use_state(|| false);
    let confirm = use_state(|| None::<String>);
    let pid = props.profile_id.to_string();

    let identity = conns.active_summary().and_then(|s| s.identity.clone());
    let own_ttl = identity
        .as_ref()
        .map(|i| ttl_label(remaining_ttl(i.ttl_seconds, i.checked_at, now)))
        .unwrap_or_else(|| "unknown".into());

    let renew_self = {
        let (conns, toaster, pid) = (conns.dispatcher(), toaster.clone(), pid.clone());
        Callback::from(move |_: MouseEvent| {
            let args = ProfileRef {
                profile_id: pid.clone(),
            };
            let (conns, toaster) = (conns.clone(), toaster.clone());
            spawn_local(async move {
                match ipc::call::<RenewToken>(&args).await {
                    Ok(summary) => {
                        toaster.success("Token renewed");
                        conns.dispatch(ConnectionsAction::Updated(summary));
                    }
                    Err(e) => toaster.error(format!("Could not renew the token: {}", e.message)),
                }
            });
        })
    };
    let load = {
        let (inventory, loading, pid) = (inventory.clone(), loading.clone(), pid.clone());
        Callback::from(move |_: MouseEvent| {
            let args = ProfileRef {
                profile_id: pid.clone(),
            };
            let (inventory, loading) = (inventory.clone(), loading.clone());
            loading.set(true);
            spawn_local(async move {
                inventory.set(Some(ipc::call::<ListTokens>(&args).await));
                loading.set(false);
            });
        })
    };
    let revoke = {
        let (inventory, confirm, toaster, pid) = (
            inventory.clone(),
            confirm.clone(),
            toaster.clone(),
            pid.clone(),
        );
        Callback::from(move |accessor: String| {
            confirm.set(None);
            let args = RevokeAccessorArgs {
                profile_id: pid.clone(),
                accessor: accessor.clone(),
            };
            let (inventory, toaster) = (inventory.clone(), toaster.clone());
            spawn_local(async move {
                match ipc::call::<RevokeTokenAccessor>(&args).await {
                    Ok(()) => {
                        toaster.success(format!("Revoked the token with accessor {accessor}"));
                        if let Some(Ok(inv)) = &*inventory {
                            let mut inv = inv.clone();
                            inv.tokens.retain(|t| t.accessor != accessor);
                            inv.root_accessors.retain(|a| *a != accessor);
                            inventory.set(Some(Ok(inv)));
                        }
                    }
                    Err(e) => toaster.error(e.message),
                }
            });
        })
    };

    let body = match &*inventory {
        None => html! {},
        Some(Err(e)) if e.code == ErrorCode::PermissionDenied => html! {
            <div id="tokens-permission" class="notice warning" role="alert">
                <p>{ e.message.clone() }</p>
                <pre class="policy-line">{ r#"path "auth/token/accessors" { capabilities = ["list", "sudo"] }"# }</pre>
            </div>
        },
        Some(Err(e)) => {
            html! { <div id="tokens-error" class="notice error" role="alert">{ e.message.clone() }</div> }
        }
        Some(Ok(inv)) => {
            let needle = text.trim().to_lowercase();
            let shown: Vec<&TokenRow> = inv
                .tokens
                .iter()
                .filter(|t| !*root_only || inv.root_accessors.contains(&t.accessor))
                .filter(|t| {
                    needle.is_empty()
                        || t.display_name.to_lowercase().contains(&needle)
                        || t.path.to_lowercase().contains(&needle)
                        || t.accessor.to_lowercase().contains(&needle)
                        || t.policies
                            .iter()
                            .any(|p| p.to_lowercase().contains(&needle))
                })
                .collect();
            html! {
                <>
                <p class="muted" id="tokens-summary">{ format!("{} token(s), {} with the root policy", inv.tokens.len(), inv.root_accessors.len()) }</p>
                <table class="lease-table" id="tokens-table">
                    <thead><tr><th>{ "Name" }</th><th>{ "Accessor" }</th><th>{ "Policies" }</th><th>{ "TTL" }</th><th>{ "Created by" }</th><th>{ "Actions" }</th></tr></thead>
                    <tbody>
                        { for shown.iter().map(|t| {
                            let acc = t.accessor.clone();
                            let confirming = confirm.as_deref() == Some(t.accessor.as_str());
                            html! {
                                <tr class="token-row" data-accessor={t.accessor.clone()} key={t.accessor.clone()}>
                                    <td>{ t.display_name.clone() }</td>
                                    <td class="mono">{ t.accessor.clone() }</td>
                                    <td>{ t.policies.join(", ") }</td>
                                    <td>{ if t.ttl == 0 && t.expire_time.is_none() { "never expires".to_owned() } else { format_ttl(t.ttl) } }</td>
                                    <td class="mono">{ t.path.clone() }</td>
                                    <td class="actions">
                                        if confirming {
                                            <span class="confirm">{ "Revoke this token and its children?" }</span>
                                            <button type="button" class="danger token-revoke-confirm" aria-label={format!("Confirm revoking token {}", t.accessor)}
                                                onclick={{ let (r, a) = (revoke.clone(), acc.clone()); Callback::from(move |_| r.emit(a.clone())) }}>{ "Revoke" }</button>
                                            <button type="button" class="ghost" onclick={{ let c = confirm.clone(); Callback::from(move |_| c.set(None)) }}>{ "Keep" }</button>
                                        } else {
                                            <button type="button" class="danger-ghost token-revoke" aria-label={format!("Revoke token {}", t.accessor)}
                                                onclick={{ let (c, a) = (confirm.clone(), acc.clone()); Callback::from(move |_| c.set(Some(a.clone()))) }}>{ "Revoke…" }</button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                </>
            }
        }
    };

    html! {
        <section class="tokens-panel" aria-label="Tokens">
            <h2>{ "Tokens" }</h2>
            <div class="lease-filters">
                <span id="own-token-ttl">{ format!("This session's token: {own_ttl}") }</span>
                <button type="button" id="own-token-renew" disabled={!identity.as_ref().is_some_and(|i| i.renewable)}
                    onclick={renew_self}>{ "Renew my token" }</button>
                <button type="button" id="tokens-load" onclick={load} disabled={*loading}>
                    { if *loading { "Loading tokens…" } else { "List tokens" } }</button>
                <input id="tokens-filter" type="search" aria-label="Filter tokens" placeholder="Filter by name, path, policy, accessor"
                    value={(*text).clone()}
                    oninput={{ let t = text.clone(); Callback::from(move |e: InputEvent| t.set(input_value(&e))) }} />
                <button type="button" id="tokens-root" aria-pressed={root_only.to_string()}
                    class={classes!("sort", root_only.then_some("active"))}
                    onclick={{ let r = root_only.clone(); Callback::from(move |_| r.set(!*r)) }}>{ "Find root tokens" }</button>
            </div>
            { body }
        </section>
    }
}

/// Dynamic database credentials: issue from a role (lease + user name; the password stays in
/// the backend), the password masked until revealed (fetched by an audited reveal, shown
/// until the reveal timer clears it from this component), copied to the clipboard by the
/// backend (never entering the page), and "revoke these credentials".
#[component]
fn CredsPanel(props: &TokensPanelProps) -> Html {
    let mount = use_state(|| "database".to_owned());
    let role = use_state(String::new);
    let creds = use_state(|| None::<IssuedCredentials>);
    // The revealed password and its hide timeout: component-local, cleared by `timer`.
    let revealed = use_state(|| None::<(RevealedValue, u32)>);
    let copied = use_state(|| None::<(bool, String)>);
    let status = use_state(|| None::<(bool, String)>);
    let timer = use_mut_ref(|| None::<Timeout>);
    let toaster = use_toaster();
    let pid = props.profile_id.to_string();

    let issue = {
        let (mount, role, creds, revealed, copied, status, toaster, pid, timer) = (
            mount.clone(),
            role.clone(),
            creds.clone(),
            revealed.clone(),
            copied.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            timer.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let args = IssueCredsArgs {
                profile_id: pid.clone(),
                mount: mount.trim().trim_matches('/').to_owned(),
                role: role.trim().to_owned(),
            };
            let (creds, revealed, copied, status, toaster, timer) = (
                creds.clone(),
                revealed.clone(),
                copied.clone(),
                status.clone(),
                toaster.clone(),
                timer.clone(),
            );
            spawn_local(async move {
                match ipc::call::<IssueDbCredentials>(&args).await {
                    Ok(c) => {
                        let msg = format!(
                            "Issued credentials for {} (lease {})",
                            c.username, c.lease_id
                        );
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        timer.borrow_mut().take();
                        revealed.set(None);
                        copied.set(None);
                        creds.set(Some(c));
                    }
                    Err(e) => {
                        toaster.error(e.message.clone());
                        status.set(Some((false, e.message)));
                    }
                }
            });
        })
    };
    let creds_ref = (*creds).as_ref().map(|c| IssuedCredsRef {
        profile_id: pid.clone(),
        lease_id: c.lease_id.clone(),
    });
    let reveal = {
        let (args, revealed, status, toaster, timer) = (
            creds_ref.clone(),
            revealed.clone(),
            status.clone(),
            toaster.clone(),
            timer.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(args) = args.clone() else { return };
            let (revealed, status, toaster, timer) = (
                revealed.clone(),
                status.clone(),
                toaster.clone(),
                timer.clone(),
            );
            spawn_local(async move {
                match ipc::call::<RevealIssuedPassword>(&args).await {
                    Ok(r) => {
                        let secs = r.hide_after_secs;
                        revealed.set(Some((r.password, secs)));
                        let revealed = revealed.clone();
                        let ms = secs.saturating_mul(1000);
                        *timer.borrow_mut() = Some(Timeout::new(ms, move || revealed.set(None)));
                    }
                    Err(e) => {
                        toaster.error(e.message.clone());
                        status.set(Some((false, e.message)));
                    }
                }
            });
        })
    };
    let hide = {
        let (revealed, timer) = (revealed.clone(), timer.clone());
        Callback::from(move |_: MouseEvent| {
            timer.borrow_mut().take();
            revealed.set(None);
        })
    };
    let copy = {
        let (args, copied, toaster) = (creds_ref.clone(), copied.clone(), toaster.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(args) = args.clone() else { return };
            let (copied, toaster) = (copied.clone(), toaster.clone());
            spawn_local(async move {
                match ipc::call::<CopyIssuedPassword>(&args).await {
                    Ok(c) => copied.set(Some((
                        true,
                        format!(
                            "Copied the password to the clipboard; it is cleared in {} s.",
                            c.clear_after_secs
                        ),
                    ))),
                    Err(e) => {
                        toaster.error(e.message.clone());
                        copied.set(Some((false, e.message)));
                    }
                }
            });
        })
    };
    let revoke = {
        let (creds, revealed, copied, status, toaster, pid, timer) = (
            creds.clone(),
            revealed.clone(),
            copied.clone(),
            status.clone(),
            toaster.clone(),
            pid.clone(),
            timer.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(c) = (*creds).clone() else { return };
            let args = RevokeLeaseArgs {
                profile_id: pid.clone(),
                lease_id: c.lease_id.clone(),
                sync: true,
            };
            let (creds, revealed, copied, status, toaster, timer) = (
                creds.clone(),
                revealed.clone(),
                copied.clone(),
                status.clone(),
                toaster.clone(),
                timer.clone(),
            );
            spawn_local(async move {
                match ipc::call::<RevokeLease>(&args).await {
                    Ok(_) => {
                        let msg = format!(
                            "Revoked the credentials of {} (database user dropped)",
                            c.username
                        );
                        toaster.success(msg.clone());
                        status.set(Some((true, msg)));
                        timer.borrow_mut().take();
                        revealed.set(None);
                        copied.set(None);
                        creds.set(None);
                    }
                    Err(e) => {
                        toaster.error(e.message.clone());
                        status.set(Some((false, e.message)));
                    }
                }
            });
        })
    };

    html! {
        <section class="creds-panel" aria-label="Database credentials">
            <h2>{ "Database credentials" }</h2>
            <div class="lease-filters">
                <label for="creds-mount">{ "Mount" }</label>
                <input id="creds-mount" type="text" aria-label="Database mount" value={(*mount).clone()}
                    oninput={{ let s = mount.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e))) }} />
                <label for="creds-role">{ "Role" }</label>
                <input id="creds-role" type="text" aria-label="Database role" placeholder="readonly" value={(*role).clone()}
                    oninput={{ let s = role.clone(); Callback::from(move |e: InputEvent| s.set(input_value(&e))) }} />
                <button type="button" id="creds-issue" class="primary" disabled={role.trim().is_empty()} onclick={issue}>{ "Issue credentials" }</button>
            </div>
            if let Some(c) = &*creds {
                <dl class="creds-view" id="creds-view">
                    <dt>{ "Lease" }</dt><dd id="creds-lease" class="mono">{ c.lease_id.clone() }</dd>
                    <dt>{ "Valid for" }</dt><dd>{ format_ttl(c.lease_duration) }</dd>
                    <dt>{ "User name" }</dt><dd id="creds-username" class="mono">{ c.username.clone() }</dd>
                    <dt>{ "Password" }</dt>
                    <dd>
                        if let Some((v, secs)) = &*revealed {
                            <span id="creds-password" class="mono revealed-value">{ v.expose().to_owned() }</span>
                            <span class="muted">{ format!(" (hides in {secs} s) ") }</span>
                            <button type="button" id="creds-hide" aria-label="Hide the password" onclick={hide}>{ "Hide" }</button>
                        } else {
                            <span id="creds-password" class="masked" aria-label="hidden password">{ "••••••••" }</span>
                            <button type="button" id="creds-reveal" aria-label="Reveal the password" onclick={reveal}>{ "Reveal" }</button>
                        }
                        <button type="button" id="creds-copy" class="ghost" aria-label="Copy the password" onclick={copy}>{ "Copy" }</button>
                    </dd>
                </dl>
                if let Some((ok, msg)) = &*copied {
                    <p id="creds-copy-status" role="status" class={classes!("lease-status", if *ok { "ok" } else { "warn" })}>{ msg.clone() }</p>
                }
                <button type="button" id="creds-revoke" class="danger" onclick={revoke}>{ "Revoke these credentials" }</button>
            }
            if let Some((ok, msg)) = &*status {
                <p id="creds-status" role="status" class={classes!("lease-status", if *ok { "ok" } else { "warn" })}>{ msg.clone() }</p>
            }
        </section>
    }
}
