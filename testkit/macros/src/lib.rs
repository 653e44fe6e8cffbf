//! # nlwire-testkit-macros — `#[nlwire_testkit::test(root | vm | kernel_specs)]`
//!
//! Use it through `nlwire-testkit`, which re-exports it: see `nlwire_testkit::test`.
//!
//! The attribute expands to `#[test]`, plus `#[ignore = "<what is missing>; <how to run
//! it>"]` when a requirement does not hold **on the machine that compiles the test crate**
//! (the probes are in `nlwire-testkit-probe`). libtest then reports the test as
//! `ignored, <reason>` instead of running it.
#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::sync::OnceLock;

use nlwire_testkit_probe as probe;
use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::parse::Parser;

/// A `#[test]` that is ignored, with the reason, when the build machine lacks what it
/// needs. Requirements (one or more, comma-separated):
///
/// - `root`: effective uid 0 (network namespaces, CAP_NET_ADMIN);
/// - `vm`: the qemu VM's prerequisites (qemu, a kernel with the openvswitch module,
///   busybox: `nlwire_vm::vm_available()`);
/// - `kernel_specs`: `NLWIRE_KERNEL_SPECS` names an existing directory of YNL specs.
///
/// `NLWIRE_REQUIRE_ROOT=1` / `NLWIRE_REQUIRE_VM=1` at build time: never ignored for that
/// requirement. A test that was not ignored checks `root` and `kernel_specs` again when it
/// runs and panics with the reason if they are missing; `vm` is checked at run time by the
/// VM harness (`nlwire_vm::run_self_in_vm`, `require_vm`), which panics likewise.
///
/// The expansion reads those variables with `option_env!`, so cargo rebuilds the test crate
/// when they change. The uid and the VM's files are probed when the test crate is
/// compiled: `cargo clean -p <crate>` probes again.
///
/// ```ignore
/// #[nlwire_testkit::test(root)]
/// fn creates_a_bridge() {
///     nlwire_testkit::netns::in_new_netns(|| { /* ... */ });
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// What a test asks for.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Needs {
    root: bool,
    vm: bool,
    kernel_specs: bool,
}

/// The build machine, as far as the decision goes.
#[derive(Debug, Clone, Default)]
struct Machine {
    euid: Option<u32>,
    require_root: bool,
    require_vm: bool,
    kernel_specs: Option<OsString>,
}

impl Machine {
    fn probe() -> Machine {
        Machine {
            euid: probe::root::effective_uid(),
            require_root: probe::env_is_one(probe::REQUIRE_ROOT_ENV),
            require_vm: probe::env_is_one(probe::REQUIRE_VM_ENV),
            kernel_specs: std::env::var_os(probe::specs::KERNEL_SPECS_ENV),
        }
    }
}

/// The default VM's prerequisites on the build machine, probed once per compilation.
fn vm_probe() -> Result<(), String> {
    static VM: OnceLock<Result<(), String>> = OnceLock::new();
    VM.get_or_init(|| probe::vm::Prerequisites::from_env().check().map(|_| ()))
        .clone()
}

/// The `#[ignore = "..."]` text, or `None` when the test is to run. `vm` is asked only when
/// the VM is needed and not required.
fn ignore_reason(
    needs: Needs,
    m: &Machine,
    vm: impl FnOnce() -> Result<(), String>,
) -> Option<String> {
    let mut reasons = Vec::new();
    if needs.root && !m.require_root && m.euid != Some(0) {
        reasons.push(probe::root::IGNORE_REASON.to_string());
    }
    if needs.vm
        && !m.require_vm
        && let Err(missing) = vm()
    {
        reasons.push(probe::vm::ignore_reason(&missing));
    }
    if needs.kernel_specs && probe::specs::check_dir(m.kernel_specs.as_deref()).is_err() {
        reasons.push(probe::specs::IGNORE_REASON.to_string());
    }
    (!reasons.is_empty()).then(|| reasons.join(" | "))
}

fn parse_needs(args: TokenStream2) -> syn::Result<Needs> {
    let mut needs = Needs::default();
    let parser = syn::meta::parser(|meta| {
        let flag = if meta.path.is_ident("root") {
            &mut needs.root
        } else if meta.path.is_ident("vm") {
            &mut needs.vm
        } else if meta.path.is_ident("kernel_specs") {
            &mut needs.kernel_specs
        } else {
            return Err(meta.error("unknown requirement: expected `root`, `vm` or `kernel_specs`"));
        };
        if *flag {
            return Err(meta.error("requirement given twice"));
        }
        *flag = true;
        Ok(())
    });
    parser.parse2(args)?;
    if needs == Needs::default() {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "name what the test needs: `root`, `vm` and/or `kernel_specs` (a test that needs \
             nothing is a plain #[test])",
        ));
    }
    Ok(needs)
}

fn expand(args: TokenStream2, item: TokenStream2) -> syn::Result<TokenStream2> {
    let needs = parse_needs(args)?;
    let mut func: syn::ItemFn = syn::parse2(item)?;
    for a in &func.attrs {
        for name in ["test", "ignore"] {
            if a.path().is_ident(name) {
                return Err(syn::Error::new_spanned(
                    a,
                    format!("#[nlwire_testkit::test] adds #[{name}] itself: remove this one"),
                ));
            }
        }
    }
    let reason = ignore_reason(needs, &Machine::probe(), vm_probe);

    // Statements put in front of the body. The `option_env!`s make rustc record the
    // variables in the dep-info, so cargo rebuilds (and re-decides) when they change.
    let name = func.sig.ident.to_string();
    let mut env = Vec::new();
    let mut checks = Vec::new();
    if needs.root {
        env.push(probe::REQUIRE_ROOT_ENV);
        checks.push(quote! {
            ::nlwire_testkit::__private::require_root(::core::concat!(::core::module_path!(), "::", #name));
        });
    }
    if needs.vm {
        env.extend([
            probe::REQUIRE_VM_ENV,
            "NLWIRE_VM_QEMU",
            "NLWIRE_VM_KERNEL",
            "NLWIRE_VM_MODULES",
        ]);
    }
    if needs.kernel_specs {
        env.push(probe::specs::KERNEL_SPECS_ENV);
        checks.push(quote! {
            ::nlwire_testkit::__private::require_kernel_specs(::core::concat!(::core::module_path!(), "::", #name));
        });
    }
    let track: syn::Stmt = syn::parse_quote! {
        let _ = ( #( ::core::option_env!(#env), )* );
    };
    let mut prelude = vec![track];
    for c in checks {
        prelude.push(syn::parse2(c)?);
    }
    func.block.stmts.splice(0..0, prelude);

    let ignore = reason.map(|r| quote!(#[ignore = #r]));
    Ok(quote! {
        #[test]
        #ignore
        #func
    })
}

#[cfg(test)]
mod tests {
    // Not a glob: `test` would then name this crate's attribute, not libtest's.
    use super::{Machine, Needs, expand, ignore_reason, parse_needs, probe};
    use quote::quote;
    use std::ffi::OsString;

    fn needs(root: bool, vm: bool, kernel_specs: bool) -> Needs {
        Needs {
            root,
            vm,
            kernel_specs,
        }
    }

    fn user() -> Machine {
        Machine {
            euid: Some(1000),
            ..Machine::default()
        }
    }

    fn root() -> Machine {
        Machine {
            euid: Some(0),
            ..Machine::default()
        }
    }

    fn no_vm() -> Result<(), String> {
        Err("qemu-system-x86_64 not in PATH (apt-get install qemu-system-x86)".into())
    }

    fn vm_ok() -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn root_is_decided_by_the_euid() {
        assert_eq!(
            ignore_reason(needs(true, false, false), &root(), no_vm),
            None
        );
        assert_eq!(
            ignore_reason(needs(true, false, false), &user(), no_vm).as_deref(),
            Some("needs root (network namespaces, CAP_NET_ADMIN); run the tests as root")
        );
        // /proc unreadable: not known to be root, ignored.
        assert!(ignore_reason(needs(true, false, false), &Machine::default(), vm_ok).is_some());
    }

    #[test]
    fn require_root_never_ignores() {
        let m = Machine {
            require_root: true,
            ..user()
        };
        assert_eq!(ignore_reason(needs(true, false, false), &m, no_vm), None);
        // ... but only for root: the VM is still probed.
        assert!(ignore_reason(needs(true, true, false), &m, no_vm).is_some());
    }

    #[test]
    fn vm_is_probed_only_when_needed_and_not_required() {
        assert_eq!(
            ignore_reason(needs(false, true, false), &user(), vm_ok),
            None
        );
        assert_eq!(
            ignore_reason(needs(false, true, false), &user(), no_vm).as_deref(),
            Some(
                "needs the qemu VM (missing: qemu-system-x86_64 not in PATH (apt-get install \
                 qemu-system-x86)); run bash tests/vm/setup.sh"
            )
        );
        let required = Machine {
            require_vm: true,
            ..user()
        };
        let never = || -> Result<(), String> { panic!("probed") };
        assert_eq!(
            ignore_reason(needs(false, true, false), &required, never),
            None
        );
        assert_eq!(
            ignore_reason(needs(true, false, false), &root(), never),
            None
        );
    }

    #[test]
    fn kernel_specs_needs_an_existing_directory() {
        let with = |v: Option<&str>| Machine {
            kernel_specs: v.map(OsString::from),
            ..user()
        };
        let n = needs(false, false, true);
        let tmp = std::env::temp_dir();
        assert_eq!(ignore_reason(n, &with(tmp.to_str()), no_vm), None);
        for v in [None, Some(""), Some("/nonexistent/specs")] {
            let r = ignore_reason(n, &with(v), no_vm).unwrap();
            assert!(r.starts_with("kernel spec conformance corpus: set NLWIRE_KERNEL_SPECS"));
            assert!(r.ends_with("and rebuild"));
        }
    }

    #[test]
    fn combined_reasons_name_each_missing_piece() {
        let r = ignore_reason(needs(true, true, true), &user(), no_vm).unwrap();
        let parts: Vec<&str> = r.split(" | ").collect();
        assert_eq!(parts.len(), 3, "{r}");
        assert!(parts[0].starts_with("needs root"));
        assert!(parts[1].starts_with("needs the qemu VM"));
        assert!(parts[2].starts_with("kernel spec conformance corpus"));
        assert_eq!(
            ignore_reason(needs(true, true, false), &root(), vm_ok),
            None
        );
    }

    #[test]
    fn arguments() {
        assert_eq!(
            parse_needs(quote!(root, vm)).unwrap(),
            needs(true, true, false)
        );
        assert_eq!(
            parse_needs(quote!(kernel_specs)).unwrap(),
            needs(false, false, true)
        );
        for bad in [quote!(), quote!(rot), quote!(root, root), quote!(vm = 1)] {
            assert!(parse_needs(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn expansion() {
        let out = expand(
            quote!(root),
            quote!(
                fn t() {
                    body();
                }
            ),
        )
        .unwrap();
        let s = out.to_string();
        assert!(s.starts_with("# [test]"), "{s}");
        assert!(s.contains("option_env ! (\"NLWIRE_REQUIRE_ROOT\")"), "{s}");
        assert!(s.contains("require_root"), "{s}");
        // The checks come before the body.
        assert!(
            s.find("require_root").unwrap() < s.find("body").unwrap(),
            "{s}"
        );
        assert_eq!(s.contains("# [ignore"), !probe::root::is_root(), "{s}");

        let vm = expand(
            quote!(vm),
            quote!(
                fn t() {}
            ),
        )
        .unwrap()
        .to_string();
        assert!(vm.contains("\"NLWIRE_REQUIRE_VM\""), "{vm}");
        assert!(
            !vm.contains("nlwire_testkit"),
            "no run-time check for vm: {vm}"
        );

        let twice = expand(
            quote!(root),
            quote!(
                #[test]
                fn t() {}
            ),
        )
        .unwrap_err();
        assert!(twice.to_string().contains("adds #[test] itself"));
        let ignored = expand(
            quote!(root),
            quote!(
                #[ignore]
                fn t() {}
            ),
        )
        .unwrap_err();
        assert!(ignored.to_string().contains("adds #[ignore] itself"));
    }
}
