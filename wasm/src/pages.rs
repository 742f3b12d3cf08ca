//! Listings as async iterators: `for await (const page of client.listPages(query))` walks
//! every page, the core's pagination (`Paginated::next_page`) choosing the next request.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Symbol};
use oss_core::ops::service::ListObjects;
use wasm_bindgen::prelude::*;

use crate::api::Call;
use crate::js::set;

/// An object with `next()` and `[Symbol.asyncIterator]()`, from the listing `first`. A failed
/// page rejects `next()` and stays where it was: calling `next()` again asks for it again.
pub(crate) fn list_objects(call: Call, first: ListObjects) -> JsValue {
    let call = Rc::new(call);
    let state = Rc::new(RefCell::new(Some(first)));
    let next = Closure::<dyn FnMut() -> Promise>::new(move || {
        let (call, state) = (call.clone(), state.clone());
        wasm_bindgen_futures::future_to_promise(async move {
            let step = Object::new();
            let current = state.borrow_mut().take();
            let Some(op) = current else {
                set(&step, "done", true);
                set(&step, "value", JsValue::UNDEFINED);
                return Ok(step.into());
            };
            match call.list_page(&op).await {
                Ok((page, following)) => {
                    *state.borrow_mut() = following;
                    set(&step, "done", false);
                    set(&step, "value", page);
                    Ok(step.into())
                }
                Err(e) => {
                    *state.borrow_mut() = Some(op);
                    Err(e.into_js())
                }
            }
        })
    });
    let iterator = Object::new();
    set(&iterator, "next", next.into_js_value());
    let this = iterator.clone();
    let itself = Closure::<dyn FnMut() -> JsValue>::new(move || this.clone().into());
    let _ = Reflect::set(
        &iterator,
        &Symbol::async_iterator(),
        &itself.into_js_value(),
    );
    iterator.into()
}
