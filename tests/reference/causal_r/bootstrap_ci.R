# Reference for tests/test_causal.py::test_bootstrap_interval_equals_r_boot_ci
# R 4.2, boot 1.3: Rscript bootstrap_ci.R > bootstrap_ci.out
# Studentized and percentile 95 % intervals of boot.ci from stored replicates (estimate, SE),
# with the original estimate 0.01 and its SE 0.05.
library(boot)
d <- read.csv("bootstrap_draws.csv")
for (g in unique(d$geval)) {
  s <- d[d$geval == g, ]
  b <- list(t0 = c(0.01, 0.05^2), t = cbind(s$t, s$se^2), R = nrow(s), sim = "ordinary", stype = "i",
            strata = rep(1, 10), weights = rep(0.1, 10), statistic = function(x, i) 0, call = quote(boot()))
  class(b) <- "boot"
  ci <- suppressWarnings(boot.ci(b, conf = 0.95, type = c("stud", "perc"), var.t0 = 0.05^2, var.t = s$se^2))
  cat(sprintf("%s\tstud\t%.15g\t%.15g\n", g, ci$student[4], ci$student[5]))
  cat(sprintf("%s\tperc\t%.15g\t%.15g\n", g, ci$percent[4], ci$percent[5]))
}
