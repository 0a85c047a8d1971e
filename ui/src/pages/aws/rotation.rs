//! Lambda rotation of an AWS secret: the configuration as the service reports it (Lambda ARN,
//! schedule, enabled, last / next rotation), a form that turns rotation on (Lambda ARN and a
//! schedule of days or a `rate()` / `cron()` expression, checked with the same rules the
//! backend applies before anything is sent), turning it off, and "rotate now" (runs the
//! configured Lambda). A server error is shown as the service phrased it; the form keeps what
//! was typed.

use vaultdeck_types::{
    AwsDisableRotation, AwsEnableRotation, AwsEnableRotationArgs, AwsRotateNow,
    AwsRotationSchedule, AwsSecretRef,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::panels::PanelProps;
use crate::components::{checkbox_checked, input_text, select_value};
use crate::ipc;

/// How the form's schedule is given.
#[derive(Clone, Copy, PartialEq)]
enum ScheduleKind {
    Days,
    Expression,
}

/// The schedule the form describes, checked; the message names the bad field.
fn schedule_from_form(
    kind: ScheduleKind,
    value: &str,
    duration: &str,
    lambda_arn: &str,
) -> Result<AwsRotationSchedule, String> {
    let value = value.trim();
    let mut s = AwsRotationSchedule {
        duration: Some(duration.trim().to_owned()).filter(|d| !d.is_empty()),
        ..Default::default()
    };
    match kind {
        ScheduleKind::Days => match value.parse::<i64>() {
            Ok(d) => s.automatically_after_days = Some(d),
            Err(_) => {
                return Err(format!(
                    "Rotate every {value:?} days: type a whole number (1–1000)."
                ))
            }
        },
        ScheduleKind::Expression => {
            s.schedule_expression = Some(value.to_owned()).filter(|e| !e.is_empty())
        }
    }
    s.validate(lambda_arn).map(|()| s).map_err(|e| {
        let mut m = e;
        if let Some(first) = m.get(..1) {
            m = first.to_uppercase() + &m[1..];
        }
        m + "."
    })
}

/// The rotation panel of a secret's detail.
#[component]
pub fn RotationPanel(p: &PanelProps) -> Html {
    let r = &p.detail.rotation;
    let lambda = use_state(|| r.lambda_arn.clone().unwrap_or_default());
    let kind = use_state(|| {
        if r.schedule_expression.is_some() {
            ScheduleKind::Expression
        } else {
            ScheduleKind::Days
        }
    });
    let value = use_state(|| {
        r.schedule_expression.clone().unwrap_or_else(|| {
            r.automatically_after_days
                .filter(|d| *d > 0)
                .unwrap_or(30)
                .to_string()
        })
    });
    let duration = use_state(|| r.duration.clone().unwrap_or_default());
    let immediately = use_state(|| false);
    let error = use_state(|| None::<String>);

    let enable = {
        let (lambda, kind, value, duration, immediately, error, p) = (
            lambda.clone(),
            kind.clone(),
            value.clone(),
            duration.clone(),
            immediately.clone(),
            error.clone(),
            p.clone(),
        );
        Callback::from(move |_| {
            let schedule = match schedule_from_form(*kind, &value, &duration, &lambda) {
                Ok(s) => s,
                Err(m) => {
                    error.set(Some(m));
                    return;
                }
            };
            error.set(None);
            let args = AwsEnableRotationArgs {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
                lambda_arn: lambda.trim().to_owned(),
                schedule,
                rotate_immediately: *immediately,
            };
            let (error, p) = (error.clone(), p.clone());
            spawn_local(async move {
                match ipc::call::<AwsEnableRotation>(&args).await {
                    Ok(_) => p
                        .on_message
                        .emit((true, format!("Rotation enabled for {}.", args.secret))),
                    Err(e) => {
                        let m = format!("Rotation not enabled — the server said: {}", e.message);
                        error.set(Some(m.clone()));
                        p.on_message.emit((false, m));
                    }
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    let disable = {
        let (error, p) = (error.clone(), p.clone());
        Callback::from(move |_| {
            let args = AwsSecretRef {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
            };
            let (error, p) = (error.clone(), p.clone());
            spawn_local(async move {
                match ipc::call::<AwsDisableRotation>(&args).await {
                    Ok(_) => {
                        error.set(None);
                        p.on_message
                            .emit((true, format!("Rotation disabled for {}.", args.secret)));
                    }
                    Err(e) => p.on_message.emit((false, e.message)),
                }
                p.on_changed.emit(args.secret);
            });
        })
    };
    let rotate_now = {
        let (error, p) = (error.clone(), p.clone());
        Callback::from(move |_| {
            let args = AwsSecretRef {
                profile_id: p.profile_id.to_string(),
                secret: p.detail.name.clone(),
            };
            let (error, p) = (error.clone(), p.clone());
            spawn_local(async move {
                match ipc::call::<AwsRotateNow>(&args).await {
                    Ok(v) => {
                        error.set(None);
                        p.on_message.emit((
                            true,
                            format!(
                                "Rotation started by the Lambda{}.",
                                v.map(|v| format!("; new version {v}")).unwrap_or_default()
                            ),
                        ));
                    }
                    Err(e) => {
                        let m = format!("Rotate now failed — the server said: {}", e.message);
                        error.set(Some(m.clone()));
                        p.on_message.emit((false, m));
                    }
                }
                p.on_changed.emit(args.secret);
            });
        })
    };

    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let schedule = match (&r.schedule_expression, r.automatically_after_days) {
        (Some(e), _) => e.clone(),
        (None, Some(d)) if d > 0 => format!("every {d} days"),
        _ => "—".into(),
    };
    html! {
        <fieldset id="aws-rotation-panel" class="aws-panel">
            <legend>{ "Lambda rotation" }</legend>
            <dl class="aws-facts" id="aws-rotation-config" data-enabled={r.enabled.to_string()}>
                <dt>{ "Status" }</dt>
                <dd id="aws-rotation-status">{ if r.enabled { "enabled" } else { "disabled" } }</dd>
                <dt>{ "Lambda" }</dt><dd id="aws-rotation-lambda" class="mono">{ opt(&r.lambda_arn) }</dd>
                <dt>{ "Schedule" }</dt><dd id="aws-rotation-schedule">{ schedule }</dd>
                <dt>{ "Window" }</dt><dd>{ opt(&r.duration) }</dd>
                <dt>{ "Last rotated" }</dt><dd>{ opt(&r.last_rotated) }</dd>
                <dt>{ "Next rotation" }</dt><dd>{ opt(&r.next_rotation) }</dd>
            </dl>
            <label for="aws-rotation-lambda-arn">{ "Rotation Lambda ARN" }</label>
            <input id="aws-rotation-lambda-arn" type="text" class="mono" autocomplete="off" spellcheck="false"
                placeholder="arn:aws:lambda:REGION:ACCOUNT:function:NAME" value={(*lambda).clone()}
                oninput={{ let l = lambda.clone(); Callback::from(move |e: InputEvent| l.set(input_text(&e))) }} />
            <div class="bg-row">
                <label for="aws-rotation-kind">{ "Schedule" }</label>
                <select id="aws-rotation-kind" aria-label="Schedule kind" onchange={{
                    let k = kind.clone();
                    Callback::from(move |e: Event| k.set(if select_value(&e) == "expression" { ScheduleKind::Expression } else { ScheduleKind::Days }))
                }}>
                    <option value="days" selected={*kind == ScheduleKind::Days}>{ "every N days" }</option>
                    <option value="expression" selected={*kind == ScheduleKind::Expression}>{ "rate() / cron() expression" }</option>
                </select>
                <input id="aws-rotation-value" type="text" aria-label={if *kind == ScheduleKind::Days { "Days between rotations" } else { "Schedule expression" }}
                    placeholder={if *kind == ScheduleKind::Days { "30" } else { "rate(10 days)" }} value={(*value).clone()}
                    oninput={{ let v = value.clone(); Callback::from(move |e: InputEvent| v.set(input_text(&e))) }} />
                <label for="aws-rotation-duration">{ "Window" }</label>
                <input id="aws-rotation-duration" type="text" placeholder="e.g. 3h (optional)" value={(*duration).clone()}
                    oninput={{ let d = duration.clone(); Callback::from(move |e: InputEvent| d.set(input_text(&e))) }} />
            </div>
            <label class="bg-row"><input id="aws-rotation-immediately" type="checkbox" checked={*immediately}
                onchange={{ let i = immediately.clone(); Callback::from(move |e: Event| i.set(checkbox_checked(&e))) }} />
                { " Rotate once right away" }</label>
            if let Some(m) = &*error {
                <p id="aws-rotation-error" class="error-text" role="alert">{ m.clone() }</p>
            }
            <div class="bg-row">
                <button type="button" id="aws-rotation-enable" class="primary" onclick={enable}>
                    { if r.enabled { "Save rotation settings" } else { "Enable rotation" } }</button>
                if r.enabled {
                    <button type="button" id="aws-rotation-disable" class="danger" onclick={disable}>{ "Disable rotation" }</button>
                }
                if r.lambda_arn.is_some() {
                    <button type="button" id="aws-rotation-now" onclick={rotate_now}>{ "Rotate now (Lambda)" }</button>
                }
            </div>
        </fieldset>
    }
}
