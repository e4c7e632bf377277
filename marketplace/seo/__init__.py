"""Links that share well and pages search engines find: sitemaps, robots.txt, the web app
manifest, share images (Open Graph) and the page metadata built from them.

``services`` reads what the sitemaps list and makes share images; ``views`` serves them and
gives templates the metadata helpers used by ``templates/_meta.html``."""
