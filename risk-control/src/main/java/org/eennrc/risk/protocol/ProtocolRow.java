package org.eennrc.risk.protocol;

/**
 * One controller at one ε, summarised over the trials of the protocol (method.md §5).
 *
 * @param meanRisk mean over trials of the test risk at λ̂
 * @param sdRisk sample standard deviation of the test risk over trials
 * @param violationRate fraction of trials with test risk > ε (to compare with δ for UCB/LTT)
 * @param meanEfficiency mean over trials of the test-set mean cost at λ̂ (exit layer or FLOPs)
 * @param relativeSaving mean over trials of 1 − cost(λ̂) / cost(full model)
 * @param meanIndex mean chosen grid index k̂
 * @param infeasibleRate fraction of trials where nothing was certified (full model used)
 */
public record ProtocolRow(
        String controller,
        double epsilon,
        double delta,
        int nCal,
        int trials,
        double meanRisk,
        double sdRisk,
        double violationRate,
        double meanEfficiency,
        double relativeSaving,
        double meanIndex,
        double infeasibleRate) {}
