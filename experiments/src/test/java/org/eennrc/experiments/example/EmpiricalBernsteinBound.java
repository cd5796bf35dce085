package org.eennrc.experiments.example;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.UpperBound;

/**
 * Maurer–Pontil empirical Bernstein bound on losses in [0, 1]:
 * R̂⁺ = R̂ + sqrt(2 V log(2/δ) / n) + 7 log(2/δ) / (3 (n − 1)), with V the sample variance.
 */
public final class EmpiricalBernsteinBound implements UpperBound {
    @Override
    public String name() {
        return "bernstein";
    }

    @Override
    public LossTransform transform(double lossBound) {
        return LossTransform.clipAndScale(lossBound); // losses in [0, 1]; the controller scales back by B
    }

    @Override
    public double upperBound(BoundedSample s, double delta) {
        int n = s.n();
        double mean = s.mean();
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (s.get(i) - mean) * (s.get(i) - mean);
        double var = ss / (n - 1);
        double log = Math.log(2 / delta);
        double r = mean + Math.sqrt(2 * var * log / n) + 7 * log / (3.0 * (n - 1));
        return Math.min(s.bound(), r);
    }
}
