//! Mount lists: one `<li class="mount" data-path=…>` per mount, with type and KV badge.

use vaultdeck_types::{MountClass, MountInfo};
use vaultdeck_ui::format::mount_badge;
use yew::prelude::*;

/// Properties of [`MountsList`].
#[derive(Properties, PartialEq)]
pub struct MountsListProps {
    /// The list's element id.
    pub id: AttrValue,
    /// The mounts, in display order.
    pub mounts: Vec<MountInfo>,
}

/// A list of mounts.
#[component]
pub fn MountsList(props: &MountsListProps) -> Html {
    html! {
        <ul id={props.id.clone()} class="mounts">
            { for props.mounts.iter().map(|m| html! { <MountItem key={m.path.clone()} mount={m.clone()} /> }) }
        </ul>
    }
}

/// Properties of [`MountItem`].
#[derive(Properties, PartialEq)]
pub struct MountItemProps {
    /// The mount.
    pub mount: MountInfo,
}

/// One mount row.
#[component]
pub fn MountItem(props: &MountItemProps) -> Html {
    let m = &props.mount;
    let class_label = match m.class {
        MountClass::Secret => "secrets engine",
        MountClass::Auth => "auth method",
    };
    html! {
        <li class={classes!("mount", (m.class == MountClass::Auth).then_some("mount-auth"))}
            data-path={m.path.clone()}>
            <code class="mount-path">{ m.path.clone() }</code>
            <span class="mount-type">{ m.engine_type.clone() }</span>
            if let Some(badge) = mount_badge(m) {
                <span class="badge badge-accent">{ badge }</span>
            }
            <span class="mount-class muted">{ class_label }</span>
            if !m.description.is_empty() {
                <span class="mount-desc muted">{ m.description.clone() }</span>
            }
        </li>
    }
}
