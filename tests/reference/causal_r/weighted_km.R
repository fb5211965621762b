# Reference for tests/test_causal.py::test_weighted_km_equals_r_survfit_robust
# R 4.2, survival 3.5: Rscript weighted_km.R > weighted_km.out
library(survival)
d <- data.frame(
  time   = c(1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 1.5, 2, 3, 3, 4.5, 6, 6, 8, 9.5, 11),
  status = c(1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0,   1, 1, 1, 0, 1,   0, 1, 1, 0,   0),
  grp    = c(rep(1, 12), rep(0, 10)),
  w      = c(1.2, 0.7, 2.5, 1.0, 0.4, 1.9, 0.8, 1.3, 2.2, 0.6, 1.1, 0.9,
             0.5, 1.6, 0.9, 2.1, 1.4, 0.3, 1.8, 1.0, 0.7, 1.5))
for (ct in c("log-log", "log")) {
  for (k in c(1, 10)) {
    fit <- survfit(Surv(time, status) ~ grp, data = d, weights = w * k, robust = TRUE, conf.type = ct)
    s <- summary(fit, censored = TRUE)
    out <- data.frame(conf = ct, scale = k, grp = sub("grp=", "", as.character(s$strata)), time = s$time,
                      surv = s$surv, se = s$std.err, lower = s$lower, upper = s$upper)
    write.table(format(out, digits = 10), sep = "\t", quote = FALSE, row.names = FALSE, col.names = (ct == "log-log" && k == 1))
  }
}
