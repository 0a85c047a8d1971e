//! Drives the real app: Xvfb + a private Secret Service + tauri-driver (→ WebKitWebDriver →
//! the built `vaultdeck` binary) with its own config/data dirs, against a real OpenBao.
//! Everything the app prints is captured for the leak check.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;

/// Xvfb on a free display, stopped on drop.
pub struct Display {
    child: Child,
    pub name: String,
}

impl Display {
    pub fn start() -> Display {
        for n in 90..140 {
            remove_if_stale(n);
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                || Path::new(&format!("/tmp/.X{n}-lock")).exists()
            {
                continue;
            }
            let name = format!(":{n}");
            let mut child = Command::new("Xvfb")
                .args([
                    name.as_str(),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb is not installed (scripts/setup.sh installs it)");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    return Display { child, name };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("could not start Xvfb on any display :90..:139");
    }
}

/// Removes the lock file and socket of display `:n` when the Xvfb that owned them is gone
/// (a killed test run leaves them behind and would otherwise use up the display numbers).
fn remove_if_stale(n: u32) {
    let lock = format!("/tmp/.X{n}-lock");
    let Ok(text) = std::fs::read_to_string(&lock) else {
        return;
    };
    let alive = text
        .trim()
        .parse::<u32>()
        .map(|pid| Path::new(&format!("/proc/{pid}")).exists())
        .unwrap_or(true);
    if !alive {
        let _ = std::fs::remove_file(&lock);
        let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{n}"));
    }
}

impl Display {
    /// What the X clipboard of this display holds (empty when nothing).
    pub fn clipboard_text(&self) -> String {
        std::env::set_var("DISPLAY", &self.name);
        arboard::Clipboard::new()
            .unwrap()
            .get_text()
            .unwrap_or_default()
    }

    /// Waits up to `within` until the clipboard no longer holds `was`.
    pub async fn wait_clipboard_cleared(&self, was: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while self.clipboard_text() == was {
            assert!(Instant::now() < deadline, "the clipboard was not cleared");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // SIGTERM lets Xvfb remove its lock file and socket; SIGKILL only if it lingers.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One app session: tauri-driver with private dirs and a WebDriver client.
pub struct AppSession {
    pub client: Client,
    driver: Child,
    pub dir: tempfile::TempDir,
    /// The X display the app runs on (screenshots are taken from it).
    display: String,
}

impl AppSession {
    /// Starts tauri-driver and opens the app. `dbus` = Secret Service bus address.
    pub async fn start(display: &Display, dbus: &str) -> AppSession {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let native = free_port();
        let out = std::fs::File::create(dir.path().join("driver.out")).unwrap();
        let err = std::fs::File::create(dir.path().join("driver.err")).unwrap();
        let driver_bin = which("tauri-driver");
        let driver = Command::new(driver_bin)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", dbus)
            .env("VAULTDECK_CONFIG_DIR", dir.path().join("config"))
            .env("VAULTDECK_DATA_DIR", dir.path().join("data"))
            .env("VAULTDECK_DEMO", "0")
            .env(
                "VAULTDECK_LOG",
                "debug,tao=warn,wry=warn,hyper=warn,reqwest=warn",
            )
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .env_remove("VAULT_ADDR")
            .env_remove("VAULT_TOKEN")
            .process_group(0)
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("tauri-driver could not start");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": env!("CARGO_BIN_EXE_vaultdeck") }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&url)
            .await
            .expect("WebDriver session could not start (is WebKitWebDriver installed?)");
        let s = AppSession {
            client,
            driver,
            dir,
            display: display.name.clone(),
        };
        // The Yew DOM appears after the wasm loads.
        s.wait_for("#nav-connections").await;
        s
    }

    /// Waits up to 20 s for an element.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("element {css} did not appear: {e}"))
    }

    /// Waits until an element's text contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        panic!("{css} never contained {needle:?}; last text: {last:?}");
    }

    /// Types into an input (clearing it first), scrolled to the middle of the view first
    /// (WebKitWebDriver refuses to type into a partly visible element).
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait_for(css).await;
        let arg = serde_json::to_value(&el).unwrap();
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .unwrap();
        el.clear().await.unwrap();
        if !text.is_empty() {
            el.send_keys(text).await.unwrap();
        }
    }

    /// Scrolls an element to the middle of the view (WebKitWebDriver does not scroll partly
    /// visible elements itself) and clicks it.
    pub async fn click(&self, css: &str) {
        let el = self.wait_for(css).await;
        let arg = serde_json::to_value(&el).unwrap();
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .unwrap();
        el.click().await.unwrap();
    }

    /// Saves a screenshot to target/e2e-shots/<name>.png.
    ///
    /// The picture is taken from the X display (ImageMagick `import`, cropped to the window):
    /// WebKitWebDriver's own "Take Screenshot" never answered for some pages here and then
    /// stalled the whole session. WebDriver's screenshot is the fallback when `import` is missing.
    pub async fn screenshot(&self, name: &str) {
        let dir = shots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join(format!("{name}.png"));
        let (x, y, w, h) = self.client.get_window_rect().await.unwrap();
        let imported = Command::new("import")
            .args(["-display", &self.display, "-window", "root", "-crop"])
            .arg(format!("{w}x{h}+{x}+{y}"))
            .arg("+repage")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|st| st.success());
        if !imported {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(&out, png).unwrap();
        }
        assert!(
            std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) > 1000,
            "empty screenshot {name}"
        );
    }

    /// Saves target/e2e-shots/<name>.png of the whole X display (ImageMagick `import`), falling
    /// back to [`AppSession::screenshot`] when `import` is missing. For pages with Azure
    /// content, whose WebDriver screenshot hung in WebKitWebDriver here.
    pub async fn display_shot(&self, name: &str) {
        let dir = shots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}.png"));
        let ok = Command::new("import")
            .args(["-window", "root"])
            .arg(&file)
            .env("DISPLAY", &self.display)
            .status()
            .is_ok_and(|st| st.success());
        if !ok {
            self.screenshot(name).await;
        }
        assert!(file.is_file(), "no screenshot {}", file.display());
    }

    /// Writes `text` to `<config dir>/<file>` (settings.toml, profiles.toml), which the app
    /// reads when it needs them.
    pub fn write_config(&self, file: &str, text: &str) {
        let config = self.dir.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(config.join(file), text).unwrap();
    }

    /// Waits up to `within` until no element matches `css`.
    pub async fn wait_gone(&self, css: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while self.client.find(Locator::Css(css)).await.is_ok() {
            assert!(Instant::now() < deadline, "{css} is still there");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// How many elements match `css` now (no waiting).
    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.unwrap().len()
    }

    /// Calls a backend command through the app's own IPC bridge (what ui/ipc.js does); panics
    /// when the command is rejected.
    pub async fn invoke(&self, cmd: &str, args: serde_json::Value) -> serde_json::Value {
        let r = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], { args: arguments[1] })
               .then(ok => done({ ok }), err => done({ err }));",
                vec![json!(cmd), args],
            )
            .await
            .unwrap();
        assert!(r.get("err").is_none(), "{cmd} failed: {r}");
        r["ok"].clone()
    }

    /// Ends the WebDriver session (closes the app) and stops tauri-driver; returns the dir with
    /// everything the app wrote and printed.
    pub async fn finish(mut self) -> tempfile::TempDir {
        let _ = self.client.clone().close().await;
        std::thread::sleep(Duration::from_millis(500));
        // Drop stops the driver's process group; the placeholder dir goes with `self`.
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }
}

impl Drop for AppSession {
    /// Stops tauri-driver, WebKitWebDriver and the app (one process group), also when a
    /// scenario panics, so failed runs leave no orphans behind.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// target/e2e-shots under the workspace.
pub fn shots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("e2e-shots")
}

fn which(bin: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let home_cargo = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin"))
        .into_iter();
    std::env::split_paths(&path)
        .chain(home_cargo)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{bin} not found on PATH (scripts/setup.sh installs it)"))
}

/// Asserts that none of `sentinels` occurs in any file under `root` (config, data, logs, the
/// captured stdout/stderr of the app).
pub fn assert_no_leak(root: &Path, sentinels: &[&str]) {
    let mut stack = vec![root.to_path_buf()];
    let mut files = 0;
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else if let Ok(bytes) = std::fs::read(&p) {
            files += 1;
            let text = String::from_utf8_lossy(&bytes);
            for s in sentinels {
                assert!(!text.contains(s), "sentinel leaked into {}", p.display());
            }
        }
    }
    assert!(
        files >= 3,
        "expected app output files under {}",
        root.display()
    );
}
