//! The cache's bounds and staleness rules.
fn look5() -> crate::app::view::Look {
    crate::app::view::Look {
        max_depth: 5,
        ..Default::default()
    }
}

use super::*;

fn key(k: &str) -> (SiteId, ThreadKey) {
    (
        SiteId::parse("s").unwrap(),
        ThreadKey::from_page_id(k).unwrap(),
    )
}

fn info() -> crate::app::view::ThreadInfo {
    crate::app::view::ThreadInfo {
        key: "t".into(),
        url: None,
        title: None,
        count: 0,
        locked: false,
        event_id: 0,
    }
}

fn within_bounds(cache: &Cache) {
    let size = cache.size();
    assert!(size.bytes <= MAX_BYTES, "{size:?}");
    assert!(size.entries <= MAX_ENTRIES, "{size:?}");
}

#[test]
fn answers_round_trip_and_memory_stays_capped() {
    let a = Encoded::encode(&serde_json::json!({"hello": "world"}));
    assert_eq!(&a.plain()[..], br#"{"hello":"world"}"#);
    let cache = Cache::default();
    // Incompressible answers of about 100 KB each: far more than the cap in all.
    for i in 0..200u32 {
        let noise: Vec<u8> = (0..100_000u32)
            .map(|j| (j.wrapping_mul(2_654_435_761).wrapping_add(i) >> 13) as u8)
            .collect();
        let answer = Arc::new(Encoded::from_bytes(
            &noise,
            &format!("{i:024}"),
            Effort::Answer,
        ));
        cache.put_shared(format!("q{i}"), cache.generation(), answer);
        within_bounds(&cache);
    }
    assert!(cache.shared("q199").is_some(), "the newest answer is kept");
    let (s, k) = key("t");
    cache.invalidate(&s, &k);
    assert!(cache.shared("q199").is_none());
    assert_eq!(cache.size().bytes, 0);
}

#[test]
fn long_keys_and_many_small_answers_count() {
    let cache = Cache::default();
    let tiny = Arc::new(Encoded::encode(&0));
    for i in 0..20_000u32 {
        cache.put_shared(
            format!("{i}{}", "x".repeat(5000)),
            cache.generation(),
            tiny.clone(),
        );
        within_bounds(&cache);
    }
    assert!(cache.size().entries > 0);
}

#[test]
fn an_answer_built_before_a_write_is_not_kept() {
    let cache = Cache::default();
    let (s, k) = key("t");
    let generation = cache.generation();
    cache.invalidate(&s, &k);
    cache.put_shared("q".into(), generation, Arc::new(Encoded::encode(&1)));
    assert!(cache.shared("q").is_none());
    let built = Arc::new(BuiltThread::build(
        info(),
        &[],
        &look5(),
        &crate::keys::Keys::new(vec![1; 32]),
    ));
    cache.put_built(&s, &k, generation, built);
    assert!(cache.built(&s, &k).is_none());
}

#[test]
fn pages_belong_to_the_build_they_were_cut_from() {
    let cache = Cache::default();
    let (s, k) = key("t");
    let keys = crate::keys::Keys::new(vec![1; 32]);
    let old = Arc::new(BuiltThread::build(info(), &[], &look5(), &keys));
    cache.put_built(&s, &k, cache.generation(), old.clone());
    let page = PageKey {
        sort: Sort::Oldest,
        offset: 0,
        limit: 0,
        format: Format::Json,
    };
    cache.invalidate(&s, &k);
    let new = Arc::new(BuiltThread::build(info(), &[], &look5(), &keys));
    cache.put_built(&s, &k, cache.generation(), new.clone());
    cache.put_page(&s, &k, &old, page, Arc::new(Encoded::encode(&1)));
    assert!(cache.page(&s, &k, &page).is_none());
    cache.put_page(&s, &k, &new, page, Arc::new(Encoded::encode(&2)));
    assert!(cache.page(&s, &k, &page).is_some());
    assert_eq!(cache.size().entries, 2);
    cache.invalidate(&s, &k);
    assert_eq!(cache.size().entries, 0);
    assert_eq!(cache.size().bytes, 0);
}
