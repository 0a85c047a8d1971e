//! Local checks of a secret's resource policy, run before it is saved: JSON syntax and shape,
//! `Principal: "*"`, public access without conditions, and what `BlockPublicPolicy` will do.
//! Pure: no I/O.

use serde_json::Value;
use vaultdeck_types::{AwsPolicyFinding, AwsPolicySeverity};

fn finding(severity: AwsPolicySeverity, check: &str, message: String) -> AwsPolicyFinding {
    AwsPolicyFinding {
        severity,
        check: check.to_owned(),
        message,
    }
}

/// Checks `text` as a Secrets Manager resource policy. `block_public_policy` is the flag the
/// save will send (AWS then refuses policies that grant public access).
pub fn check_policy(text: &str, block_public_policy: bool) -> Vec<AwsPolicyFinding> {
    use AwsPolicySeverity::{Error, Warning};
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return vec![finding(
                Error,
                "json_syntax",
                format!(
                    "not valid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            )]
        }
    };
    let Some(obj) = doc.as_object() else {
        return vec![finding(
            Error,
            "shape",
            "a policy must be a JSON object with a \"Statement\"".into(),
        )];
    };
    let statements: Vec<&Value> = match obj.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => {
            return vec![finding(
                Error,
                "shape",
                "the policy has no \"Statement\" (an object or a list of objects)".into(),
            )]
        }
    };
    let mut out = Vec::new();
    if statements.is_empty() {
        out.push(finding(
            Error,
            "shape",
            "\"Statement\" is empty: a policy needs at least one statement".into(),
        ));
    }
    for (i, st) in statements.iter().enumerate() {
        let label = st
            .get("Sid")
            .and_then(Value::as_str)
            .map(|s| format!("statement {} ({s})", i + 1))
            .unwrap_or_else(|| format!("statement {}", i + 1));
        let Some(st) = st.as_object() else {
            out.push(finding(
                Error,
                "shape",
                format!("{label} is not a JSON object"),
            ));
            continue;
        };
        match st.get("Effect").and_then(Value::as_str) {
            Some("Allow") | Some("Deny") => {}
            _ => out.push(finding(
                Error,
                "shape",
                format!("{label}: \"Effect\" must be \"Allow\" or \"Deny\""),
            )),
        }
        if !st.contains_key("Action") && !st.contains_key("NotAction") {
            out.push(finding(Error, "shape", format!("{label}: no \"Action\"")));
        }
        let allow = st.get("Effect").and_then(Value::as_str) == Some("Allow");
        let star = principal_is_star(st.get("Principal"));
        if !(allow && star) {
            continue;
        }
        let has_condition = st
            .get("Condition")
            .and_then(Value::as_object)
            .is_some_and(|c| !c.is_empty());
        if has_condition {
            out.push(finding(
                Warning,
                "principal_star",
                format!(
                    "{label} allows Principal \"*\" (anyone, in any account), limited only by \
                     its Condition: make sure the condition pins the caller (aws:PrincipalOrgID, \
                     aws:SourceVpce, aws:PrincipalAccount)"
                ),
            ));
        } else if block_public_policy {
            out.push(finding(
                Error,
                "block_public_policy",
                format!(
                    "{label} grants public access (Principal \"*\" without a Condition) and \
                     BlockPublicPolicy is on: AWS will refuse this policy. Name the principals \
                     or add a Condition"
                ),
            ));
        } else {
            out.push(finding(
                Warning,
                "public_without_condition",
                format!(
                    "{label} grants public access: Principal \"*\" without a Condition lets \
                     anyone in any AWS account do this. Name the principals or add a \
                     Condition, and save with BlockPublicPolicy on"
                ),
            ));
        }
    }
    out
}

/// Whether a `Principal` is `"*"`, `{"AWS": "*"}` or a list containing `"*"`.
fn principal_is_star(p: Option<&Value>) -> bool {
    fn star(v: &Value) -> bool {
        match v {
            Value::String(s) => s == "*",
            Value::Array(a) => a.iter().any(star),
            _ => false,
        }
    }
    match p {
        Some(Value::Object(m)) => m.get("AWS").is_some_and(star),
        Some(v) => star(v),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(text: &str, bpp: bool) -> Vec<String> {
        check_policy(text, bpp)
            .into_iter()
            .map(|f| f.check)
            .collect()
    }

    const NAMED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},
        "Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;

    #[test]
    fn a_named_principal_passes() {
        assert!(check_policy(NAMED, true).is_empty());
    }

    #[test]
    fn syntax_errors_name_the_position() {
        let f = check_policy("{\"Statement\": [", false);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check, "json_syntax");
        assert_eq!(f[0].severity, AwsPolicySeverity::Error);
        assert!(f[0].message.contains("line 1"), "{}", f[0].message);
    }

    #[test]
    fn shape_errors() {
        assert_eq!(checks("[]", false), ["shape"]);
        assert_eq!(checks("{}", false), ["shape"]);
        assert_eq!(
            checks(r#"{"Statement":{"Effect":"Maybe"}}"#, false),
            ["shape", "shape"]
        );
    }

    #[test]
    fn public_access_depends_on_condition_and_block_flag() {
        let public = r#"{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*",
            "Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
        assert_eq!(checks(public, false), ["public_without_condition"]);
        let f = check_policy(public, true);
        assert_eq!(f[0].check, "block_public_policy");
        assert_eq!(f[0].severity, AwsPolicySeverity::Error);
        assert!(f[0].message.contains("statement 1 (Open)"));

        let aws_star = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:x","*"]},
            "Action":"*","Resource":"*"}]}"#;
        assert_eq!(checks(aws_star, false), ["public_without_condition"]);

        let conditioned = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*",
            "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#;
        assert_eq!(checks(conditioned, true), ["principal_star"]);

        let deny = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}"#;
        assert!(checks(deny, true).is_empty());
    }
}
